import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { getBytes, verifyMessage } from "ethers";
import { verifyInclusion } from "../../service/merkle";
import { leafHashOfRecord } from "../../service/records";
import { assertReceiptV1 } from "../../service/receipts";
import { receiptJsonSchema } from "../../service/receipts/json-schema";

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const SCHEMA_FILE = "service/receipts/evidence-receipt-v1.schema.json";

describe("receipt format evidence-receipt/v1", () => {
  const pending = read("examples/receipts/pending.json");
  const anchored = read("examples/receipts/anchored.json");

  it("publishes the JSON Schema generated from the validating zod schema", () => {
    expect(read(SCHEMA_FILE), "run npm run receipt-schema").to.deep.equal(
      JSON.parse(JSON.stringify(receiptJsonSchema())),
    );
  });

  it("validates the example receipts against the published JSON Schema", () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(read(SCHEMA_FILE));
    for (const example of [pending, anchored])
      expect(validate(example), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate({ ...anchored, leafHash: "0x12" })).to.equal(false);
  });

  it("loads the examples, whose proof and signature check without the service", () => {
    expect(assertReceiptV1(pending).status).to.equal("pending");
    const receipt = assertReceiptV1(anchored);
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
    expect(verifyMessage(getBytes(receipt.leafHash), receipt.intake.signature)).to.equal(
      receipt.intake.operator,
    );
    const file = readFileSync("examples/receipts/capture.txt");
    expect(receipt.record.files[0]!.sha256).to.equal(
      createHash("sha256").update(file).digest("hex"),
    );
  });

  it("refuses an unknown major version with its own code, and keeps unknown optional fields", () => {
    expect(() => assertReceiptV1({ ...anchored, format: "evidence-receipt/v2" }))
      .to.throw()
      .with.property("code", "RECEIPT_UNSUPPORTED_FORMAT");
    expect(() => assertReceiptV1({ ...anchored, leafHash: 5 }))
      .to.throw()
      .with.property("code", "RECEIPT_MALFORMED");
    const extended = assertReceiptV1({ ...anchored, note: "added by a v1.1 writer" });
    expect(extended).to.have.property("note", "added by a v1.1 writer");
  });
});
