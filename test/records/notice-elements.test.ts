import { expect } from "chai";
import { readFileSync } from "node:fs";
import {
  checkNoticeElements,
  missingElements,
  parseRecordInput,
  type RecordOf,
} from "../../service/records";

type Notice = Pick<RecordOf<"notice">, "metadata" | "links">;

const example = JSON.parse(readFileSync("examples/records/notice.json", "utf8")) as {
  metadata: Record<string, unknown>;
};
const EVIDENCE = [{ rel: "evidence" as const, id: "00000000-0000-4000-8000-000000000001" }];

/** A notice as intake would accept it, with its metadata changed by `edit`. */
function notice(edit: (m: Record<string, unknown>) => void = () => {}, links = EVIDENCE): Notice {
  const metadata = structuredClone(example.metadata);
  edit(metadata);
  const input = parseRecordInput({ kind: "notice", metadata, links }, ["proof.pdf", "report.pdf"]);
  return { metadata: input.metadata as Notice["metadata"], links };
}

describe("notice elements (GB/T 39550 4.3.1)", () => {
  it("finds the example complete under CN, and asks DMCA for nothing it lacks but good faith", () => {
    const withProof = notice(
      (m) => ((m.right as { proofFiles: string[] }).proofFiles = ["proof.pdf"]),
    );
    expect(missingElements(checkNoticeElements(withProof, "CN"))).to.deep.equal([]);
    const cn = checkNoticeElements(withProof, "CN").map((c) => c.element);
    expect(cn).to.deep.equal([
      "identity",
      "location",
      "right",
      "evidence",
      "undertaking",
      "trademark_details",
    ]);
    const noGoodFaith = notice((m) => {
      (m.right as { proofFiles: string[] }).proofFiles = ["proof.pdf"];
      delete m.goodFaith;
    });
    expect(missingElements(checkNoticeElements(noGoodFaith, "CN"))).to.deep.equal([]);
    expect(missingElements(checkNoticeElements(noGoodFaith, "DMCA"))).to.deep.equal(["good_faith"]);
  });

  it("receives a notice that lacks each of the five elements, and names every one missing", () => {
    const bare = notice((m) => {
      m.notifier = { legalName: "Someone" };
      for (const field of ["right", "targets", "undertaking", "explanation", "goodFaith"])
        delete m[field];
    }, []);
    const checks = checkNoticeElements(bare, "CN");
    expect(missingElements(checks)).to.deep.equal([
      "identity",
      "location",
      "right",
      "evidence",
      "undertaking",
    ]);
    expect(checks.find((c) => c.element === "identity")!.missing).to.deep.equal([
      "identity document (type and number)",
      "a contact (phone, e-mail or address)",
    ]);
    expect(checks.every((c) => c.clause.startsWith("GB/T 39550 4.3.1.2"))).to.equal(true);
  });

  it("checks the right-type elements: a design patent without its evaluation report", () => {
    const design = notice((m) => {
      m.right = {
        type: "patent",
        holder: "H",
        registrationNumber: "ZL2020",
        patentType: "design",
        claimsReliedOn: ["the shape"],
        featureComparison: [{ claimFeature: "a", productFeature: "a" }],
        proofFiles: ["proof.pdf"],
      };
    });
    const patent = checkNoticeElements(design).find((c) => c.element === "patent_details")!;
    expect(patent).to.include({ present: false, clause: "GB/T 39550 4.3.1.3" });
    expect(patent.missing).to.deep.equal(["the patent evaluation report (专利权评价报告)"]);
    const invention = notice((m) => {
      m.right = { ...(design.metadata.right as object), patentType: "invention" };
    });
    expect(missingElements(checkNoticeElements(invention))).to.deep.equal([]);
  });

  it("needs a copyright's title, type and one proof of ownership", () => {
    const copyright = notice((m) => {
      m.right = { type: "copyright", holder: "H", workTitle: "T", proofFiles: ["proof.pdf"] };
    });
    const check = checkNoticeElements(copyright).find((c) => c.element === "copyright_details")!;
    expect(check.missing).to.deep.equal([
      "work type",
      "proof of ownership (registration, first publication or authorship)",
    ]);
  });
});
