import { expect } from "chai";
import pino from "pino";
import { ClusterRoles, type Role } from "../../service/cluster/roles";
import { openDatabase, type Db } from "../../service/storage";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

/** A role that says when it runs: what a replica does while it holds it. */
function roleLog(name: string, log: string[]): Role {
  return {
    name,
    start: () => void log.push(`start ${name}`),
    stop: async () => void log.push(`stop ${name}`),
  };
}

const until = async (what: string, check: () => boolean, ms = 5_000) => {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("background roles over replicas on one PostgreSQL (DESIGN §8)", function () {
  this.timeout(30_000);
  const schema = newSchemaName();
  const dbs: Db[] = [];
  const open = async () => {
    const { db } = await openDatabase({ databaseUrl: PG_URL, sqliteFile: "", pgSchema: schema });
    dbs.push(db);
    return db;
  };
  const logger = pino({ level: "silent" });
  after(async () => {
    for (const db of dbs) await db.destroy().catch(() => undefined);
    await dropSchema(schema);
  });

  it("gives each role to one replica, and another takes it when the holder stops or dies", async () => {
    const logs = { a: [] as string[], b: [] as string[] };
    const replica = async (name: "a" | "b") =>
      new ClusterRoles(
        await open(),
        [roleLog("anchorer", logs[name]), roleLog("timestamper", logs[name])],
        { replica: name, leaseMs: 600, logger },
      );
    const a = await replica("a");
    await a.start();
    const b = await replica("b");
    await b.start();
    expect(a.held()).to.deep.equal(["anchorer", "timestamper"]);
    expect(b.held()).to.deep.equal([]);

    // A graceful stop frees the leases: the other replica takes them at its next renewal.
    const stoppedAt = Date.now();
    await a.stop();
    await until("b takes over", () => b.held().length === 2);
    expect(Date.now() - stoppedAt).to.be.below(600);
    expect(logs.a).to.deep.equal([
      "start anchorer",
      "start timestamper",
      "stop anchorer",
      "stop timestamper",
    ]);

    // A holder cut off from the database (its pool gone) cannot renew: it stops its roles at
    // once, and the other replica takes them once the lease ran out.
    const c = new ClusterRoles(await open(), [roleLog("anchorer", [])], {
      replica: "c",
      leaseMs: 600,
      logger,
    });
    await c.start();
    expect(c.held()).to.deep.equal([]);
    const bDb = dbs[1]!;
    const cutAt = Date.now();
    await bDb.destroy();
    await until("b gives its roles up", () => b.held().length === 0);
    await until("c takes the anchorer", () => c.held().includes("anchorer"));
    // Within the lease plus one renewal interval.
    expect(Date.now() - cutAt).to.be.below(600 + 200 + 400);
    await c.stop();
    await b.stop();
  });

  it("fences the old holder's writes in the same transaction once another took the role", async () => {
    const dbA = await open();
    const fresh = new ClusterRoles(dbA, [roleLog("anchorer", [])], {
      replica: "fence-a",
      leaseMs: 60_000,
      logger,
    });
    await fresh.start();
    expect(fresh.held()).to.deep.equal(["anchorer"]);
    const write = () => dbA.transaction().execute((tx) => fresh.fence("anchorer")(tx));
    await write(); // holds: passes

    // The lease runs out while the holder is paused (a long GC, a frozen VM), and another
    // replica takes the role: the paused one's next write fails, before its next renewal.
    const dbB = await open();
    await dbB
      .updateTable("role_leases")
      .set({ lease_until: 0 })
      .where("role", "=", "anchorer")
      .execute();
    const b = new ClusterRoles(dbB, [roleLog("anchorer", [])], {
      replica: "fence-b",
      leaseMs: 60_000,
      logger,
    });
    await b.start();
    expect(b.held()).to.deep.equal(["anchorer"]);
    const refused = await write().then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );
    expect(refused).to.equal("ROLE_LOST");
    await fresh.stop();
    await b.stop();
  });
});
