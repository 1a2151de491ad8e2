import { expect } from "chai";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  hashApiKey,
  newApiKey,
  readKeyEntries,
  writeKeyEntries,
  type Role,
} from "../../service/keys";
import { exampleRecord, type HttpClient } from "../support/http-client";
import { newDataDir, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

const ROLE_KEYS: { id: string; role: Role; parties?: string[] }[] = [
  { id: "platform", role: "platform" },
  { id: "regulator", role: "regulator" },
  // The notice example's notifier (unified social credit code) and the shop its listing is in.
  { id: "rights_holder", role: "rights_holder", parties: ["91310000MA1FL0XX1X"] },
  { id: "merchant", role: "merchant", parties: ["shop:s-5521"] },
  { id: "stranger", role: "rights_holder", parties: ["nobody"] },
  { id: "admin", role: "admin" },
];

describe("roles on API keys", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  const secrets = new Map<string, string>();
  const as = (id: string): HttpClient => notary.client.withKey(secrets.get(id));
  let noticeId: string;
  let evidenceId: string;
  let batchIndex: number;

  before(async () => {
    const dir = await newDataDir();
    for (const k of ROLE_KEYS) secrets.set(k.id, newApiKey());
    await writeKeyEntries(
      join(dir, "keys", "api-keys.json"),
      ROLE_KEYS.map((k) => ({
        id: k.id,
        name: `${k.id} key`,
        role: k.role,
        parties: k.parties ?? [],
        keySha256: hashApiKey(secrets.get(k.id)!),
      })),
    );
    notary = await startTestNotary({}, dir);
    const evidence = await as("platform").postRecord(await exampleRecord("evidence"), [
      { name: "e.txt", content: "evidence" },
    ]);
    evidenceId = (evidence.body as { id: string }).id;
    const notice = await as("platform").postRecord(
      await exampleRecord("notice", [{ rel: "evidence", id: evidenceId }]),
    );
    noticeId = (notice.body as { id: string }).id;
    batchIndex = (await waitAnchored(as("platform"), noticeId)).anchor.batchIndex;
  });
  after(async () => notary?.stop());

  const status = async (client: HttpClient, path: string) => {
    const answer = await client.get(path);
    return answer.status === 200
      ? 200
      : `${answer.status} ${(answer.body as { error: { code: string } }).error.code}`;
  };

  it("lets each role submit only what it may: platforms all, parties their own, readers nothing", async () => {
    const outcome = async (id: string, record: unknown) => {
      const answer = await as(id).postRecord(record);
      return answer.status === 201
        ? 201
        : `${answer.status} ${(answer.body as { error: { code: string } }).error.code}`;
    };
    const table: Record<string, unknown[]> = {};
    // A filing, a notice in the rights holder's name, a declaration answering the notice that
    // names the merchant's shop, an action.
    const records = [
      await exampleRecord("filing"),
      await exampleRecord("notice", [{ rel: "evidence", id: evidenceId }]),
      await exampleRecord("counter_notice", [{ rel: "answers", id: noticeId }]),
      await exampleRecord("action", [{ rel: "concerns", id: noticeId }]),
    ];
    for (const k of ROLE_KEYS)
      table[k.id] = await Promise.all(records.map((r) => outcome(k.id, r)));
    const kind = "403 SUBMISSION_FORBIDDEN";
    const role = "403 FORBIDDEN_ROLE";
    expect(table).to.deep.equal({
      platform: [201, 201, 201, 201],
      regulator: [role, role, role, role],
      rights_holder: [kind, 201, kind, kind],
      merchant: [kind, kind, 201, kind],
      // A rights holder's key for another party: the notice is not in its name.
      stranger: [kind, "403 SUBMISSION_NOT_OWN", kind, kind],
      admin: [role, role, role, role],
    });
  });

  it("lets the parties read the rest of their case: the declaration and the actions on it", async () => {
    const post = async (kind: string, links: { rel: string; id: string }[]) =>
      ((await as("platform").postRecord(await exampleRecord(kind, links))).body as { id: string })
        .id;
    // A declaration by a merchant the rights holder's key does not name, and an action on it.
    const declaration = await post("counter_notice", [{ rel: "answers", id: noticeId }]);
    const action = await post("action", [{ rel: "concerns", id: declaration }]);
    for (const id of [declaration, action]) {
      expect(await status(as("rights_holder"), `/v1/records/${id}`), id).to.equal(200);
      expect(await status(as("merchant"), `/v1/records/${id}`), id).to.equal(200);
      expect(await status(as("stranger"), `/v1/records/${id}`), id).to.equal(
        "403 RECORD_FORBIDDEN",
      );
    }
  });

  it("lets a merchant answer only a notice naming one of its shops", async () => {
    const other = await exampleRecord("notice", [{ rel: "evidence", id: evidenceId }]);
    (other.metadata as { targets: { shopId: string }[] }).targets[0]!.shopId = "s-other";
    const otherId = ((await as("platform").postRecord(other)).body as { id: string }).id;
    const answer = await as("merchant").postRecord(
      await exampleRecord("counter_notice", [{ rel: "answers", id: otherId }]),
    );
    // It may not read that notice, so it may not link it: refused as if it did not exist.
    expect([answer.status, (answer.body as { error: { code: string } }).error.code]).to.deep.equal([
      422,
      "LINK_UNKNOWN_RECORD",
    ]);
  });

  it("lets a party link only records it may read, and says nothing of those it may not", async () => {
    // Another party's evidence, and a penalty decision: neither readable by the parties' keys.
    const post = async (kind: string, files: { name: string; content: string }[] = []) => {
      const answer = await as("platform").postRecord(await exampleRecord(kind), files);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return (answer.body as { id: string }).id;
    };
    const foreignEvidence = await post("evidence");
    const penalty = await post("penalty_decision", [
      { name: "处罚决定书.pdf", content: "decision" },
    ]);
    const missing = randomUUID();
    const refusal = async (id: string, kind: string, as_: string, rel: string) => {
      const links = [
        ...(kind === "counter_notice" ? [{ rel: "answers", id: noticeId }] : []),
        { rel, id },
      ];
      const answer = await as(as_).postRecord(await exampleRecord(kind, links));
      const { code, message } = (answer.body as { error: { code: string; message: string } }).error;
      return { status: answer.status, code, message: message.replace(id, "<id>") };
    };
    for (const [who, kind] of [
      ["rights_holder", "notice"],
      ["merchant", "counter_notice"],
    ] as const) {
      expect(await status(as(who), `/v1/records/${foreignEvidence}`)).to.equal(
        "403 RECORD_FORBIDDEN",
      );
      const injected = await refusal(foreignEvidence, kind, who, "evidence");
      expect(injected).to.include({ status: 422, code: "LINK_UNKNOWN_RECORD" });
      // The same answer for a record that does not exist and one of another kind.
      expect(await refusal(missing, kind, who, "evidence")).to.deep.equal(injected);
      // (A merchant may read a penalty decision against its shop; then the kind is its to know.)
      if ((await status(as(who), `/v1/records/${penalty}`)) !== 200)
        expect(await refusal(penalty, kind, who, "evidence")).to.deep.equal(injected);
      expect(injected.message).not.to.match(/penalty|evidence record|is a /);
      // And the injection opened nothing.
      expect(await status(as(who), `/v1/records/${foreignEvidence}`)).to.equal(
        "403 RECORD_FORBIDDEN",
      );
    }
  });

  it("lets each role read exactly the records it may see, on every record endpoint", async () => {
    const notice = [
      `/v1/records/${noticeId}`,
      `/v1/records/${noticeId}/receipt`,
      `/v1/records/${noticeId}/certificate`,
    ];
    const evidenceFile = `/v1/records/${evidenceId}/files/${await readRecordFile()}`;
    const table: Record<string, unknown[]> = {};
    for (const k of ROLE_KEYS) {
      table[k.id] = [
        ...(await Promise.all(notice.map((p) => status(as(k.id), p)))),
        await status(as(k.id), `/v1/records/${evidenceId}`),
        await status(as(k.id), evidenceFile),
        await status(as(k.id), `/v1/batches/${batchIndex}`),
      ];
    }
    const forbidden = "403 RECORD_FORBIDDEN";
    const role = "403 FORBIDDEN_ROLE";
    // The evidence names neither party, but it is the notice's preliminary evidence: the
    // notice's parties read it with the notice (E-Commerce Law art. 42 forwards both).
    expect(table).to.deep.equal({
      platform: [200, 200, 200, 200, 200, 200],
      regulator: [200, 200, 200, 200, 200, 200],
      rights_holder: [200, 200, 200, 200, 200, 200],
      merchant: [200, 200, 200, 200, 200, 200],
      stranger: [forbidden, forbidden, forbidden, forbidden, forbidden, 200],
      admin: [role, role, role, role, role, role],
    });
  });

  async function readRecordFile(): Promise<string> {
    const record = (await as("platform").get(`/v1/records/${evidenceId}`)).body as {
      files: { sha256: string }[];
    };
    return record.files[0]!.sha256;
  }

  it("keeps the public endpoints public", async () => {
    const open = notary.client.withKey(undefined);
    for (const path of [
      "/v1/ledger",
      "/healthz",
      "/readyz",
      "/v1/openapi.json",
      "/metrics",
      "/verify",
    ])
      expect(await status(open, path), path).to.equal(200);
  });

  it("takes keys added and revoked with npm run keys without a restart, storing only hashes", async () => {
    const file = join(notary.dataDir, "keys", "api-keys.json");
    const env = { ...process.env, DATA_DIR: notary.dataDir };
    const run = promisify(execFile);
    const script = [...RUN_TYPESCRIPT, "scripts/keys.ts"];
    const { stdout } = await run(
      process.execPath,
      [...script, "add", "--role", "regulator", "--name", "SAMR inspector", "--id", "inspector"],
      { env },
    );
    const key = stdout.trim();
    expect(await readFile(file, "utf8")).not.to.include(key);
    expect((await readKeyEntries(file)).find((k) => k.id === "inspector")).to.include({
      role: "regulator",
      keySha256: hashApiKey(key),
    });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await status(notary.client.withKey(key), `/v1/records/${noticeId}`)).to.equal(200);

    await run(process.execPath, [...script, "revoke", "--id", "inspector"], { env });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await status(notary.client.withKey(key), `/v1/records/${noticeId}`)).to.equal(
      "401 AUTH_INVALID",
    );
  });

  it("lets only admin keys list, create and revoke keys over HTTP", async () => {
    expect(await status(as("platform"), "/v1/keys")).to.equal("403 FORBIDDEN_ROLE");
    expect(await status(as("regulator"), "/v1/keys")).to.equal("403 FORBIDDEN_ROLE");
    const created = await as("admin").postJson("/v1/keys", {
      role: "merchant",
      name: "Happy Feet",
      parties: ["shop:s-5521"],
    });
    expect(created.status).to.equal(201);
    const { id, key } = created.body as { id: string; key: string };
    const listed = (await as("admin").get("/v1/keys")).body as {
      keys: { id: string; role: string }[];
    };
    expect(listed.keys.find((k) => k.id === id)).to.deep.include({ role: "merchant" });
    expect(JSON.stringify(listed)).not.to.include(hashApiKey(key));
    expect(await status(notary.client.withKey(key), `/v1/records/${noticeId}`)).to.equal(200);
    const bad = await as("admin").postJson("/v1/keys", { role: "emperor", name: "x" });
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).to.deep.equal([
      400,
      "KEY_INVALID",
    ]);
    const revoked = await fetch(`${notary.url}/v1/keys/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${secrets.get("admin")}` },
    });
    expect(revoked.status).to.equal(204);
  });

  it("keeps every key of 20 concurrent creations, each working at once, and revokes at once", async () => {
    const file = join(notary.dataDir, "keys", "api-keys.json");
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        as("admin").postJson("/v1/keys", { role: "regulator", name: `inspector ${i}` }),
      ),
    );
    expect(created.map((c) => c.status)).to.deep.equal(Array(20).fill(201));
    const keys = created.map((c) => c.body as { id: string; key: string });
    // No wait: a key answered 201 authenticates on the next request.
    const reads = await Promise.all(
      keys.map((k) => status(notary.client.withKey(k.key), `/v1/records/${noticeId}`)),
    );
    expect(reads).to.deep.equal(Array(20).fill(200));
    const stored = await readKeyEntries(file);
    for (const k of keys) expect(stored.some((e) => e.id === k.id)).to.equal(true, k.id);

    // Revocations racing creations: each revoked key is refused as soon as its DELETE answers.
    const revoke = (id: string) =>
      fetch(`${notary.url}/v1/keys/${id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${secrets.get("admin")}` },
      });
    const [revocations, more] = await Promise.all([
      Promise.all(keys.slice(0, 10).map((k) => revoke(k.id))),
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          as("admin").postJson("/v1/keys", { role: "regulator", name: `late ${i}` }),
        ),
      ),
    ]);
    expect(revocations.map((r) => r.status)).to.deep.equal(Array(10).fill(204));
    expect(more.map((c) => c.status)).to.deep.equal(Array(10).fill(201));
    const after = await Promise.all(
      keys.map((k) => status(notary.client.withKey(k.key), `/v1/records/${noticeId}`)),
    );
    expect(after).to.deep.equal([...Array(10).fill("401 AUTH_INVALID"), ...Array(10).fill(200)]);
    const final = await readKeyEntries(file); // still one valid JSON file
    expect(final.filter((e) => e.name.startsWith("late "))).to.have.length(10);
    expect(final.some((e) => e.id === keys[0]!.id)).to.equal(false);
    await Promise.all(
      [...keys.slice(10), ...more.map((c) => c.body as { id: string })].map((k) => revoke(k.id)),
    );
  });

  it("refuses to revoke the last admin key", async () => {
    const answer = await fetch(`${notary.url}/v1/keys/admin`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${secrets.get("admin")}` },
    });
    expect(answer.status).to.equal(409);
    expect(((await answer.json()) as { error: { code: string } }).error.code).to.equal(
      "KEY_LAST_ADMIN",
    );
    expect(await status(as("admin"), "/v1/keys")).to.equal(200);
  });

  it("gives each role exactly its access to search, statistics, audit, exports and cases", async () => {
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const paths = [
      "/v1/records?kind=notice",
      `/v1/reports/statistics?${range}`,
      "/v1/audit",
      "/v1/exports?kind=filing",
      `/v1/cases/${noticeId}`,
    ];
    const table: Record<string, unknown[]> = {};
    for (const k of ROLE_KEYS)
      table[k.id] = await Promise.all(paths.map((p) => status(as(k.id), p)));
    const role = "403 FORBIDDEN_ROLE";
    expect(table).to.deep.equal({
      platform: [200, 200, 200, role, 200],
      regulator: [200, 200, 200, 200, 200],
      rights_holder: [200, role, role, role, 200],
      merchant: [200, role, role, role, 200],
      stranger: [200, role, role, role, "403 RECORD_FORBIDDEN"],
      admin: [role, role, role, role, role],
    });
  });

  it("lets a party's key search only the records it may read, with the same filters", async () => {
    const found = async (id: string, query = "") =>
      ((await as(id).get(`/v1/records${query}`)).body as { records: { id: string }[] }).records
        .map((r) => r.id)
        .sort();
    // The notice names the rights holder and the merchant's shop; the evidence names neither.
    for (const id of ["rights_holder", "merchant"]) {
      const seen = await found(id);
      expect(seen).to.include(noticeId);
      // Everything listed is something the key may read.
      for (const record of seen)
        expect(await status(as(id), `/v1/records/${record}`), record).to.equal(200);
    }
    expect(await found("merchant", "?kind=evidence")).to.deep.equal([]);
    expect(await found("stranger")).to.deep.equal([]);
    const cases = async (id: string) =>
      ((await as(id).get("/v1/cases")).body as { cases: { caseId: string }[] }).cases.map(
        (c) => c.caseId,
      );
    expect(await cases("rights_holder")).to.include(noticeId);
    expect(await cases("stranger")).to.deep.equal([]);
    expect(await status(as("admin"), "/v1/cases")).to.equal("403 FORBIDDEN_ROLE");
    expect(await found("platform")).to.include.members([noticeId, evidenceId]);
  });
});
