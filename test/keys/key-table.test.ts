import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  ApiKeyTable,
  hashApiKey,
  initialKeyFile,
  newApiKey,
  writeKeyEntries,
} from "../../service/keys";
import { openDatabase, type Db } from "../../service/storage";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

/** Two "replicas" of one cluster: each its own pool and cache, one table of keys. */
describe("API keys in PostgreSQL, shared by replicas", function () {
  this.timeout(60_000);
  const schemas: string[] = [];
  const dbs: Db[] = [];
  after(async () => {
    for (const db of dbs) await db.destroy();
    for (const schema of schemas) await dropSchema(schema);
  });

  const cluster = async () => {
    const schema = newSchemaName();
    schemas.push(schema);
    const dir = await mkdtemp(join(tmpdir(), "keys-pg-"));
    const keysFile = join(dir, "keys", "api-keys.json");
    const replica = async () => {
      const { db } = await openDatabase({ databaseUrl: PG_URL, sqliteFile: "", pgSchema: schema });
      dbs.push(db);
      return { db, ...(await ApiKeyTable.open(db, { keysFile, createIfMissing: true })) };
    };
    return { schema, dir, keysFile, replica };
  };
  const entry = (id: string, key: string, role: "admin" | "regulator" = "regulator") => ({
    id,
    name: id,
    role,
    keySha256: hashApiKey(key),
  });
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (error: { code?: string }) => error.code ?? String(error),
    );

  it("is filled once from the keys file a single service used, however many replicas start", async () => {
    const { keysFile, replica } = await cluster();
    const [admin, reader] = [newApiKey(), newApiKey()];
    await writeKeyEntries(keysFile, [entry("root", admin, "admin"), entry("reader", reader)]);
    const started = await Promise.all([replica(), replica(), replica()]);
    expect(started.map((s) => s.imported).sort()).to.deep.equal([0, 0, 2]);
    expect(started.some((s) => s.created)).to.equal(false);
    const [a, b] = started;
    expect((await a!.keys.find(admin))?.id).to.equal("root");
    expect(await b!.keys.find(reader)).to.deep.equal({
      id: "reader",
      name: "reader",
      role: "regulator",
      parties: [],
    });
    expect(await b!.keys.find(newApiKey())).to.equal(undefined);
    expect(await ApiKeyTable.fileLeftBehind(keysFile)).to.equal(true);
  });

  it("makes one first platform key when there is no keys file, written beside where it would be", async () => {
    const { keysFile, replica } = await cluster();
    const started = await Promise.all([replica(), replica()]);
    expect(started.map((s) => s.created).sort()).to.deep.equal([false, true]);
    const secret = (await readFile(initialKeyFile(keysFile), "utf8")).trim();
    expect((await started[1]!.keys.find(secret))?.role).to.equal("platform");
    // Only the hash is in the database.
    const rows = await started[0]!.db.selectFrom("api_keys").selectAll().execute();
    expect(rows).to.have.length(1);
    expect(JSON.stringify(rows)).not.to.include(secret);
  });

  it("lets a key added on one replica in at once on another, and refuses it there within a second of its revocation", async () => {
    const { replica } = await cluster();
    const [a, b] = [await replica(), await replica()];
    const key = newApiKey();
    await a.keys.add(entry("inspector", key));
    // A miss is never kept: the other replica finds the new key on its first request.
    expect((await b.keys.find(key))?.id).to.equal("inspector");
    expect((await b.keys.byId("inspector"))?.role).to.equal("regulator");

    await a.keys.revoke("inspector");
    expect(await a.keys.find(key)).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await b.keys.find(key)).to.equal(undefined);
    expect(await b.keys.byId("inspector")).to.equal(undefined);
    expect((await b.keys.list()).map((k) => k.id)).not.to.include("inspector");
    // A revoked id stays taken: webhook subscriptions and logs name keys by id.
    expect(await codeOf(b.keys.add(entry("inspector", newApiKey())))).to.equal("KEY_EXISTS");
    expect(await codeOf(b.keys.revoke("nobody"))).to.equal("KEY_NOT_FOUND");
  });

  it("keeps the last admin key when two replicas revoke the last two at the same moment", async () => {
    const { replica } = await cluster();
    const [a, b] = [await replica(), await replica()];
    await a.keys.add(entry("admin-1", newApiKey(), "admin"));
    await a.keys.add(entry("admin-2", newApiKey(), "admin"));
    const codes = await Promise.all([
      codeOf(a.keys.revoke("admin-1")),
      codeOf(b.keys.revoke("admin-2")),
    ]);
    expect(codes.sort()).to.deep.equal(["KEY_LAST_ADMIN", "ok"]);
    expect((await a.keys.list()).filter((k) => k.role === "admin")).to.have.length(1);
  });

  it("is what npm run keys edits when DATABASE_URL is set, naming where the keys are", async () => {
    const { schema, dir, replica } = await cluster();
    const service = await replica();
    const env = {
      ...process.env,
      DATA_DIR: dir,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
    };
    const run = promisify(execFile);
    const script = [...RUN_TYPESCRIPT, "scripts/keys.ts"];
    const added = await run(
      process.execPath,
      [...script, "add", "--role", "regulator", "--name", "SAMR", "--id", "samr"],
      { env },
    );
    expect(added.stderr).to.include("the database");
    expect((await service.keys.find(added.stdout.trim()))?.id).to.equal("samr");
    const listed = await run(process.execPath, [...script, "list"], { env });
    expect(listed.stderr).to.include("keys in the database");
    expect(listed.stdout).to.match(/^samr\tregulator\tSAMR\t$/m);
    await run(process.execPath, [...script, "revoke", "--id", "samr"], { env });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await service.keys.find(added.stdout.trim())).to.equal(undefined);
  });
});
