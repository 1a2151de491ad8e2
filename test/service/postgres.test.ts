import { expect } from "chai";
import type { Options } from "express-rate-limit";
import { PgRateLimitStore } from "../../service/cluster/rate-limit-store";
import { openDatabase } from "../../service/storage";
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

  it("counts the public RPC's requests in the database, so the limit holds for all replicas", async () => {
    const rpcSchema = newSchemaName();
    const notary = await startTestNotary({
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: rpcSchema,
      RPC_REQUESTS_PER_WINDOW: "3",
      RPC_WINDOW_MS: "60000",
    });
    // Another replica's pool, counting the same client through the same table.
    const { db } = await openDatabase({
      databaseUrl: PG_URL,
      sqliteFile: "",
      pgSchema: rpcSchema,
    });
    try {
      const call = () =>
        fetch(`${notary.url}/v1/rpc`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        }).then((r) => r.status);
      expect([await call(), await call()]).to.deep.equal([200, 200]);
      const elsewhere = new PgRateLimitStore(db, "rpc:");
      elsewhere.init({ windowMs: 60_000 } as Options);
      expect((await elsewhere.increment("127.0.0.1")).totalHits).to.equal(3);
      expect(await call()).to.equal(429);
    } finally {
      await db.destroy();
      await notary.stop();
      await dropSchema(rpcSchema);
    }
  });
});
