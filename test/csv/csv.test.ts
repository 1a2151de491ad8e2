import { expect } from "chai";
import { csvLine } from "../../service/csv";

describe("CSV lines", () => {
  it("quotes as RFC 4180 says", () => {
    expect(csvLine(["plain", 'say "hi"', "a,b", "two\nlines", null, undefined])).to.equal(
      'plain,"say ""hi""","a,b","two\nlines",,\r\n',
    );
  });

  it("defuses text cells a spreadsheet would run as formulas, and leaves numbers alone", () => {
    const vectors: [unknown, string][] = [
      ['=HYPERLINK("http://evil","click")', '"\'=HYPERLINK(""http://evil"",""click"")"'],
      ["+1+1", "'+1+1"],
      ["-2+3", "'-2+3"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tTAB", "'\tTAB"],
      ["\r=1", '"\'\r=1"'],
      [-5, "-5"],
      [0.25, "0.25"],
      ["a=b", "a=b"],
      ["深圳-某公司", "深圳-某公司"],
    ];
    for (const [value, written] of vectors)
      expect(csvLine([value]), JSON.stringify(value)).to.equal(`${written}\r\n`);
  });
});
