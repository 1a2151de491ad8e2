import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { unpackSync } from "@sd-jwt/decode";
import { Disclosure } from "@sd-jwt/utils";
import { sha256 } from "@noble/hashes/sha2";
import {
  commitPersonal,
  digestOf,
  DisclosureError,
  isPersonalField,
  revealDisclosed,
  type Json,
} from "../../service/disclosure";

const salt = () => randomBytes(16).toString("base64url");
const EXAMPLES = join(__dirname, "..", "..", "examples", "records");

async function examples(): Promise<{ kind: string; metadata: { [key: string]: Json } }[]> {
  const names = (await readdir(EXAMPLES)).filter((n) => n.endsWith(".json"));
  return Promise.all(
    names.map(
      async (n) =>
        JSON.parse(await readFile(join(EXAMPLES, n), "utf8")) as {
          kind: string;
          metadata: { [key: string]: Json };
        },
    ),
  );
}

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof DisclosureError) return error.code;
    throw error;
  }
  return "OK";
};

describe("selective disclosure (SD-JWT encoding, RFC 9901)", () => {
  it("digests a disclosure as the RFC's example does", () => {
    // RFC 9901 §5.2.1: ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"].
    expect(
      digestOf("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"),
    ).to.equal("X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
  });

  it("writes each disclosure exactly as SD-JWT's own encoder does, its digest over those bytes", () => {
    const { disclosures } = commitPersonal(
      { name: "王小明", phone: "+86 138 0000 0000", tags: ["a", "b"] },
      (path) => path[0] === "name" || path[0] === "phone" || path.length === 2,
      () => "c2FsdHNhbHRzYWx0c2FsdA",
      (data) => createHash("sha256").update(data).digest(),
    );
    for (const d of disclosures) {
      const decoded = Disclosure.fromEncodeSync(d.disclosure, {
        hasher: (data: string) => createHash("sha256").update(data).digest(),
        alg: "sha-256",
      }).decode();
      expect(Disclosure.fromArray(decoded as never).encode()).to.equal(d.disclosure);
      expect(d.digest).to.equal(digestOf(d.disclosure));
    }
    expect(disclosures.map((d) => d.path)).to.deep.equal([
      ["name"],
      ["phone"],
      ["tags", 0],
      ["tags", 1],
    ]);
  });

  it("commits every example record's personal values, keeps the public ones, and reveals them back", async () => {
    for (const { kind, metadata } of await examples()) {
      const { committed, disclosures } = commitPersonal(
        metadata,
        (path, parent) => isPersonalField(kind, path, parent),
        salt,
      );
      const text = JSON.stringify(committed);
      if (kind === "contact_directory") {
        // Published by design (seed 000 §1): nothing in it is taken out.
        expect(disclosures, kind).to.deep.equal([]);
        continue;
      }
      for (const secret of [
        "110101199001011234",
        "+86 138 0000 0000",
        "ip@luma.example",
        "王晓明",
        "王女士",
      ])
        expect(text, `${kind} keeps ${secret}`).not.to.include(secret);
      if (kind === "notice") {
        expect(text).to.include("Luma Footwear Co., Ltd."); // a legal person's name is public
        expect(text).to.include("https://"); // the listings stay
        expect(committed._sd_alg).to.equal("sha-256");
      }
      const all = revealDisclosed(
        committed,
        disclosures.map((d) => d.disclosure),
      );
      expect(all.revealed, kind).to.deep.equal(metadata);
      expect(all.hidden, kind).to.deep.equal([]);
      const none = revealDisclosed(committed, []);
      expect(none.hidden, kind).to.have.length(disclosures.length);
    }
  });

  it("is read the same by the SD-JWT reference library", async () => {
    const notice = (await examples()).find((e) => e.kind === "notice")!;
    const { committed, disclosures } = commitPersonal(
      notice.metadata,
      (path, parent) => isPersonalField("notice", path, parent),
      salt,
    );
    const hasher = (data: string) => sha256(new TextEncoder().encode(data));
    const decoded = disclosures.map((d) =>
      Disclosure.fromEncodeSync(d.disclosure, { hasher, alg: "sha-256" }),
    );
    const { unpackedObj } = unpackSync(committed, decoded, hasher);
    expect(unpackedObj).to.deep.equal(notice.metadata);
  });

  it("refuses a disclosure altered, another record's, given twice, or out of place", () => {
    const { committed, disclosures } = commitPersonal(
      { party: { type: "person", legalName: "张三", phone: "13800000000" }, items: ["a", "b"] },
      (path) => path[path.length - 1] === "phone" || path[path.length - 2] === "items",
      salt,
    );
    const phone = disclosures.find((d) => d.path.includes("phone"))!.disclosure;
    const element = disclosures.find((d) => d.path.includes("items"))!.disclosure;
    expect(codeOf(() => revealDisclosed(committed, [phone]))).to.equal("OK");
    const altered = Disclosure.fromArray([salt(), "phone", "13900000000"]).encode();
    expect(codeOf(() => revealDisclosed(committed, [altered]))).to.equal("DISCLOSURE_UNUSED");
    expect(codeOf(() => revealDisclosed(committed, [phone, phone]))).to.equal(
      "DISCLOSURE_MISMATCH",
    );
    // A named disclosure whose digest is put where an array element stands.
    const swapped = structuredClone(committed) as { items: Json[]; party: { _sd: string[] } };
    swapped.items[0] = { "...": digestOf(phone) };
    swapped.party._sd = [];
    expect(codeOf(() => revealDisclosed(swapped as never, [phone]))).to.equal(
      "DISCLOSURE_MISMATCH",
    );
    // A disclosure naming a field the object already has.
    const clash = Disclosure.fromArray([salt(), "legalName", "李四"]).encode();
    const withClash = structuredClone(committed) as { party: { _sd: string[] } };
    withClash.party._sd.push(digestOf(clash));
    expect(codeOf(() => revealDisclosed(withClash as never, [clash]))).to.equal(
      "DISCLOSURE_MISMATCH",
    );
    expect(codeOf(() => revealDisclosed(committed, [element]))).to.equal("OK");
    // A field named like something on every object's prototype is a field like any other.
    const odd = commitPersonal({ toString: "x", constructor: "y" }, () => true, salt);
    expect(
      revealDisclosed(
        odd.committed,
        odd.disclosures.map((d) => d.disclosure),
      ).revealed,
    ).to.deep.equal({ toString: "x", constructor: "y" });
  });
});
