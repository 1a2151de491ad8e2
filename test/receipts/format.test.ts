import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { getBytes, verifyMessage } from "ethers";
import { verifyInclusion } from "../../service/merkle";
import { leafHashOfRecord } from "../../service/records";
import { parseReceipt, RECEIPT_FORMATS, type ReceiptFormat } from "../../service/receipts";
import { receiptJsonSchema, receiptSchemaFile } from "../../service/receipts/json-schema";
import { intakeSigner } from "../support/intake-statement";

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

/** v3 is what the service issues; v1 and v2 receipts were issued before and must keep loading. */
const EXAMPLES: Record<ReceiptFormat, string> = {
  "evidence-receipt/v1": "examples/receipts/v1",
  "evidence-receipt/v2": "examples/receipts/v2",
  "evidence-receipt/v3": "examples/receipts",
};

for (const format of RECEIPT_FORMATS) {
  describe(`receipt format ${format}`, () => {
    const schemaFile = `service/receipts/${receiptSchemaFile(format)}`;
    const pending = read(`${EXAMPLES[format]}/pending.json`);
    const anchored = read(`${EXAMPLES[format]}/anchored.json`);

    it("publishes the JSON Schema generated from the validating zod schema", () => {
      expect(read(schemaFile), "run npm run schemas").to.deep.equal(
        JSON.parse(JSON.stringify(receiptJsonSchema(format))),
      );
    });

    it("validates the example receipts against the published JSON Schema", () => {
      const validate = new Ajv2020({ strict: false, allErrors: true }).compile(read(schemaFile));
      for (const example of [pending, anchored]) {
        expect(example.format).to.equal(format);
        expect(validate(example), JSON.stringify(validate.errors)).to.equal(true);
      }
      expect(validate({ ...anchored, leafHash: "0x12" })).to.equal(false);
      const other = RECEIPT_FORMATS.find((f) => f !== format)!;
      expect(validate({ ...anchored, format: other })).to.equal(false);
    });

    it("loads the examples, whose proof and signature check without the service", () => {
      expect(parseReceipt(pending).status).to.equal("pending");
      const receipt = parseReceipt(anchored);
      if (receipt.status !== "anchored") throw new Error("example is not anchored");
      const leaf = leafHashOfRecord(receipt.record);
      expect(`0x${Buffer.from(leaf).toString("hex")}`).to.equal(receipt.leafHash);
      const { anchor } = receipt;
      expect(
        verifyInclusion({
          leafHash: leaf,
          leafIndex: anchor.leafIndex,
          treeSize: anchor.treeSize,
          auditPath: anchor.auditPath.map((p) => getBytes(p)),
          root: getBytes(anchor.root),
        }),
      ).to.equal(true);
      const signer =
        format === "evidence-receipt/v1"
          ? verifyMessage(getBytes(receipt.leafHash), receipt.intake.signature)
          : intakeSigner(receipt);
      expect(signer).to.equal(receipt.intake.operator);
      const file = readFileSync("examples/receipts/capture.txt");
      expect(receipt.record.files[0]!.sha256).to.equal(
        createHash("sha256").update(file).digest("hex"),
      );
    });

    it("refuses an unknown major version with its own code, and keeps unknown optional fields", () => {
      expect(() => parseReceipt({ ...anchored, format: "evidence-receipt/v4" }))
        .to.throw()
        .with.property("code", "RECEIPT_UNSUPPORTED_FORMAT");
      expect(() => parseReceipt({ ...anchored, leafHash: 5 }))
        .to.throw()
        .with.property("code", "RECEIPT_MALFORMED");
      const extended = parseReceipt({ ...anchored, note: `added by a ${format}.1 writer` });
      expect(extended).to.have.property("note", `added by a ${format}.1 writer`);
    });
  });
}

describe("receipt format evidence-receipt/v2 only", () => {
  it("refuses an anchor deadline that is not a whole second: it is signed as one", () => {
    const anchored = read("examples/receipts/anchored.json") as { intake: object };
    expect(() =>
      parseReceipt({
        ...anchored,
        intake: { ...anchored.intake, anchorDeadline: "2026-11-28T10:00:00.250Z" },
      }),
    )
      .to.throw()
      .with.property("code", "RECEIPT_MALFORMED");
  });
});
