import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import type { ApiKey } from "../../service/keys";
import { openDatabase, WebhookStore, type Db } from "../../service/storage";
import { WebhookDispatcher, type Published } from "../../service/webhooks";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

const owner: ApiKey = { id: "k-platform", name: "platform", role: "platform", parties: [] };

/** Replicas' dispatchers on one PostgreSQL schema, delivering to one slow receiver. */
describe("webhook deliveries shared by replicas through PostgreSQL", function () {
  this.timeout(60_000);
  const schema = newSchemaName();
  const dbs: Db[] = [];
  const dispatchers: WebhookDispatcher[] = [];
  const received: { id: string; event: string; by: string }[] = [];
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      // Slow enough that every replica polls while others are still sending.
      req.on("end", () =>
        setTimeout(() => {
          received.push({
            id: req.headers["webhook-id"] as string,
            event: (JSON.parse(body) as { id: string }).id,
            by: req.url ?? "",
          });
          res.writeHead(204).end();
        }, 20),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await Promise.all(dispatchers.map((d) => d.stop()));
    server.close();
    for (const db of dbs) await db.destroy();
    await dropSchema(schema);
  });

  const replica = async (timeoutMs = 5_000) => {
    const { db, engine } = await openDatabase({
      databaseUrl: PG_URL,
      sqliteFile: "",
      pgSchema: schema,
    });
    dbs.push(db);
    const store = new WebhookStore(db, async () => undefined, engine);
    const dispatcher = new WebhookDispatcher(store, {
      keyOf: async () => owner,
      logger: pino({ level: "silent" }),
      pollMs: 50,
      timeoutMs,
      egress: { allowPrivate: true },
    });
    dispatchers.push(dispatcher);
    return { store, dispatcher };
  };

  const events = (n: number, prefix: string): Published[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      type: "record.anchored" as const,
      data: { i },
      audience: () => true,
    }));

  const waitFor = async (done: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  };

  it("delivers every event once while three replicas poll at the same time", async () => {
    const [a, b, c] = [await replica(), await replica(), await replica()];
    await a.dispatcher.subscribe(owner, url, ["record.anchored"]);
    // Queued by one replica; every replica sees the rows and competes for them.
    await a.dispatcher.publish(events(300, "e"));
    for (const r of [a, b, c]) r.dispatcher.start();
    await waitFor(() => received.length >= 300, 30_000);
    await new Promise((r) => setTimeout(r, 300));

    const mine = received.filter((r) => r.event.startsWith("e-"));
    expect(mine).to.have.length(300);
    expect(new Set(mine.map((r) => r.id)).size).to.equal(300);
    expect(new Set(mine.map((r) => r.event)).size).to.equal(300);
    const log = await dbs[0]!
      .selectFrom("webhook_deliveries")
      .select(["status", "attempts"])
      .where("event_id", "like", "e-%")
      .execute();
    expect(log.every((d) => d.status === "delivered" && Number(d.attempts) === 1)).to.equal(true);
    await Promise.all([a, b, c].map((r) => r.dispatcher.stop()));
  });

  it("sends a delivery again from another replica when its claimer died before an answer", async () => {
    // A replica that claimed and then died: its claim holds for twice its timeout plus 10 s.
    const dead = await replica();
    await dead.dispatcher.publish(events(1, "orphan"));
    const held = await dead.store.claim(
      new Date().toISOString(),
      50,
      new Date(Date.now() + 1_500).toISOString(),
    );
    expect(held.map((d) => d.event_id)).to.deep.equal(["orphan-0"]);

    const live = await replica();
    live.dispatcher.start();
    await new Promise((r) => setTimeout(r, 700));
    // Still held: the living replica must not send what another may be sending.
    expect(received.filter((r) => r.event === "orphan-0")).to.have.length(0);
    await waitFor(() => received.some((r) => r.event === "orphan-0"), 10_000);
    expect(received.filter((r) => r.event === "orphan-0")).to.have.length(1);

    // The dead replica's late outcome of the same attempt does not overwrite the delivery.
    const late = await dead.store.record(held[0]!.id, {
      status: "pending",
      attempts: 1,
      next_attempt_at: new Date().toISOString(),
      last_status: 500,
      last_error: "late",
      delivered_at: null,
    });
    expect(late).to.equal(false);
    const [row] = await live.store
      .deliveries(held[0]!.webhook_id, 500)
      .then((all) => all.filter((d) => d.event_id === "orphan-0"));
    expect(row).to.include({ status: "delivered", last_error: null });
    await live.dispatcher.stop();
  });
});
