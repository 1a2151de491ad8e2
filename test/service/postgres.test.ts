import { expect } from "chai";
import type { Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { newDataDir, startTestNotary, waitAnchored } from "../support/notary";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";
import { checkAnchoredReceipt } from "../support/receipt-check";

describe("the service on PostgreSQL (DATABASE_URL)", function () {
  this.timeout(60_000);
  const schema = newSchemaName();
  after(async () => dropSchema(schema));

  it("notarises, anchors and continues the sequence after a restart", async () => {
    const dir = await newDataDir();
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
    const first = await startTestNotary(env, dir);
    const a = await first.client.postRecord(await exampleRecord("evidence"), [
      { name: "x.txt", content: "pg" },
    ]);
    expect(a.status).to.equal(201);
    const receipt = await waitAnchored(first.client, (a.body as { id: string }).id);
    await first.stop();

    const second = await startTestNotary(env, dir);
    try {
      const b = await second.client.postRecord(await exampleRecord("filing"));
      expect((b.body as { receipt: Receipt }).receipt.record.seq).to.equal(1);
      expect(await checkAnchoredReceipt(receipt, second.chain.provider)).to.deep.equal([]);
      await waitAnchored(second.client, (b.body as { id: string }).id);
    } finally {
      await second.stop();
    }
  });
});
