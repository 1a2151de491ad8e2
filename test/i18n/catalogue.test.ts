import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ERROR_CODES } from "../../service/errors/codes";
import { CATALOGUE, messagesIn, pickLanguage } from "../../service/i18n/catalogue";
import { translator } from "../../service/i18n/translator";

type Tree = { [key: string]: string | Tree };
const leaves = (tree: Tree, prefix = ""): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string"
      ? [[`${prefix}${k}`, v] as [string, string]]
      : leaves(v, `${prefix}${k}.`),
  );
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("the message catalogue", () => {
  const zh = new Map(leaves(messagesIn("zh")));
  const en = new Map(leaves(messagesIn("en")));

  it("says everything in both languages, with the same placeholders", () => {
    expect([...zh.keys()]).to.deep.equal([...en.keys()]);
    for (const [key, chinese] of zh) {
      const english = en.get(key)!;
      expect(chinese.trim(), key).not.to.equal("");
      expect(english.trim(), key).not.to.equal("");
      expect(placeholders(chinese), key).to.deep.equal(placeholders(english));
      // The English side is English: a Chinese character there is a text left untranslated.
      expect(english, key).not.to.match(/[\u4e00-\u9fff]/);
    }
  });

  it("has a sentence for every error code the API answers with, in both languages", () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(zh.get(`error.${code}`), code).to.match(/[\u4e00-\u9fff]/);
      expect(en.get(`error.${code}`), code).to.match(/^[A-Z]/);
      expect(en.get(`error.${code}`), code).not.to.include(code);
    }
    expect(Object.keys(CATALOGUE.error)).to.include.members(Object.keys(ERROR_CODES));
  });

  it("names every step a case timeline can show", async () => {
    // The step names as the timeline module writes them: the first text argument of each step.
    const source = (
      await readFile(join(__dirname, "../../service/cases/timeline.ts"), "utf8")
    ).replace(/\s+/g, " ");
    const names = new Set<string>();
    for (const pattern of [
      /step: "([^"]+)"/g,
      /\.(?:received|published|unknown|notOwed|window)\( ?"([^"]+)"/g,
      /\bowed\( ?"([^"]+)"/g,
      /\.inTime\( ?[\w.!()]+, ?"([^"]+)"/g,
    ])
      for (const m of source.matchAll(pattern)) names.add(m[1]!);
    expect(names.size).to.be.greaterThan(20);
    for (const name of names) {
      expect(zh.get(`step.${name}`), name).to.match(/[\u4e00-\u9fff]/);
      expect(en.get(`step.${name}`), name).to.equal(name);
    }
    // And no word kept for a step the module no longer shows.
    const kept = Object.keys(CATALOGUE.step).filter((k) => k !== "excluded delay");
    expect([...names].sort()).to.deep.equal(kept.sort());
    expect(source).to.include("step: `excluded delay (${period.cause})`");
    expect(zh.get("step.excluded delay")).to.equal("不计入的延误");
  });

  it("picks the reader's language from their preferences, Chinese by default", () => {
    expect(pickLanguage(["en-GB", "zh-CN"])).to.equal("en");
    expect(pickLanguage(["zh-TW", "en"])).to.equal("zh");
    expect(pickLanguage(["fr-FR", "en-US"])).to.equal("en");
    expect(pickLanguage(["fr-FR"])).to.equal("zh");
    expect(pickLanguage(["*"])).to.equal("zh");
    expect(pickLanguage([])).to.equal("zh");
  });

  it("fills placeholders and leaves values as text (pages insert text, never markup)", () => {
    const t = translator("en");
    expect(t("portal.due", { due: "8 Dec 19:39" })).to.equal("due 8 Dec 19:39");
    expect(t("portal.submitted", { id: "<b>x</b>" })).to.equal("Submitted: <b>x</b>");
    expect(translator("zh")("portal.due", { due: "12月8日 19:39" })).to.equal("截止 12月8日 19:39");
    expect(t("step.notice forwarded to the merchant")).to.equal("notice forwarded to the merchant");
  });
});
