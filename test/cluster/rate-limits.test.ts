import { expect } from "chai";
import express from "express";
import { rateLimit } from "express-rate-limit";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PgRateLimitStore } from "../../service/cluster/rate-limit-store";
import { openDatabase, type Db } from "../../service/storage";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

/** Two "replicas": their own process state, one table of counters. */
describe("rate limits shared by replicas through PostgreSQL", function () {
  this.timeout(30_000);
  const schema = newSchemaName();
  const dbs: Db[] = [];
  const servers: Server[] = [];
  after(async () => {
    for (const s of servers) s.close();
    for (const db of dbs) await db.destroy();
    await dropSchema(schema);
  });

  const replica = async (windowMs: number) => {
    const { db } = await openDatabase({ databaseUrl: PG_URL, sqliteFile: "", pgSchema: schema });
    dbs.push(db);
    const app = express();
    app.use(
      rateLimit({
        windowMs,
        limit: 3,
        standardHeaders: "draft-8",
        legacyHeaders: false,
        store: new PgRateLimitStore(db, "lookups:"),
      }),
    );
    app.get("/", (_req, res) => void res.send("ok"));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };

  it("counts one client's requests to every replica together, and opens a new window", async () => {
    const [a, b] = [await replica(1_000), await replica(1_000)];
    const statuses = [];
    for (const url of [a, b, a, b]) statuses.push((await fetch(url)).status);
    // The limit is 3 for the cluster: the fourth, on either replica, is refused.
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await fetch(b)).status).to.equal(200);
  });
});
