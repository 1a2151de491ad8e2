import { expect } from "chai";
import { createServer, Socket, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { exampleRecord } from "../support/http-client";
import { auditNotary, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

/** A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones. */
async function cuttableProxy(target: URL): Promise<{
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    if (server?.listening) return;
    server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server!.address() as AddressInfo).port;
  };
  const cut = async () => {
    // close() waits for open connections: they are destroyed meanwhile.
    const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  await listen();
  const url = new URL(target.href);
  url.host = `127.0.0.1:${port}`;
  return { url: url.href, cut, restore: listen, close: cut };
}

describe("a replica cut off from PostgreSQL", function () {
  this.timeout(60_000);
  const schema = newSchemaName();
  let notary: TestNotary;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;

  before(async () => {
    proxy = await cuttableProxy(new URL(PG_URL));
    notary = await startTestNotary({ DATABASE_URL: proxy.url, DATABASE_SCHEMA: schema });
  });
  after(async () => {
    await notary?.stop();
    await proxy.close().catch(() => undefined);
    await dropSchema(schema);
  });

  it("answers 503 DATABASE_UNAVAILABLE, writes nothing half, and takes intake again once back", async () => {
    const before = await notary.client.postRecord(await exampleRecord("evidence"));
    expect(before.status).to.equal(201);
    await proxy.cut();
    const refused = await notary.client.postRecord(await exampleRecord("evidence"));
    expect([
      refused.status,
      (refused.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([503, "DATABASE_UNAVAILABLE"]);
    expect(refused.headers.get("retry-after")).to.equal("5");
    const ready = await fetch(`${notary.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(((await ready.json()) as { database: boolean }).database).to.equal(false);

    await proxy.restore();
    const after = await notary.client.postRecord(await exampleRecord("evidence"));
    expect(after.status, JSON.stringify(after.body)).to.equal(201);
    await waitAnchored(notary.client, (after.body as { id: string }).id);
    // Gap-free: the refused submission took no seq, and the audit finds nothing half-written.
    const seqs = [before, after].map(
      (a) => (a.body as { receipt: { record: { seq: number } } }).receipt.record.seq,
    );
    expect(seqs[1]! - seqs[0]!).to.equal(1);
    expect((await auditNotary(notary)).discrepancies).to.deep.equal([]);
  });
});
