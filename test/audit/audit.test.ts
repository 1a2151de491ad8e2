import { expect } from "chai";
import { Wallet } from "ethers";
import { execFile } from "node:child_process";
import { appendFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { hashApiKey, newApiKey, readKeyEntries, writeKeyEntries } from "../../service/keys";
import type { AuditReport } from "../../service/audit";
import { providerChainReader } from "../../service/chain-reader";
import { exampleRecord } from "../support/http-client";
import {
  auditNotary,
  newDataDir,
  startTestNotary,
  waitAnchored,
  type TestNotary,
  localFiles,
} from "../support/notary";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

describe("audit", function () {
  this.timeout(120_000);

  /** A small ledger: three evidence records with files, anchored, then its anchoring stopped. */
  async function ledger(): Promise<{
    notary: TestNotary;
    ids: string[];
    audit: () => Promise<AuditReport>;
  }> {
    // Batches cut by size only, so they are [0, 1] and [2] however slow the machine: a cut by
    // time would move the boundary the tests below rely on.
    const notary = await startTestNotary({ BATCH_MAX_RECORDS: "2", ANCHOR_INTERVAL_MS: "600000" });
    const ids: string[] = [];
    for (const content of ["first file", "second file", "third file"]) {
      const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
        { name: "f.txt", content },
      ]);
      ids.push((answer.body as { id: string }).id);
    }
    await Promise.all(ids.slice(0, 2).map((id) => waitAnchored(notary.client, id)));
    // Rows are tampered with below: the anchoring loop must not act on them meanwhile. The
    // last record's batch is cut and anchored as the loop stops.
    await notary.pipeline.stop({ flush: true });
    await waitAnchored(notary.client, ids[2]!);
    const audit = () => auditNotary(notary);
    return { notary, ids, audit };
  }

  const codes = (report: AuditReport) => report.discrepancies.map((d) => d.code);

  it("finds nothing wrong with an untouched ledger", async () => {
    const { notary, audit } = await ledger();
    try {
      const report = await audit();
      expect(report.discrepancies).to.deep.equal([]);
      expect(report.counted).to.deep.include({
        records: 3,
        files: 3,
        batches: 2,
        anchoredBatches: 2,
      });
    } finally {
      await notary.stop();
    }
  });

  it("names a stored file whose bytes were changed, and one that is missing", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      const [first, second] = await Promise.all(
        ids.slice(0, 2).map((id) => notary.store.getRecord(id)),
      );
      await appendFile(localFiles(notary).pathOf(first!.files[0]!.sha256), "x");
      await rm(localFiles(notary).pathOf(second!.files[0]!.sha256));
      const report = await audit();
      expect(report.discrepancies.map((d) => [d.code, d.sha256, d.recordId])).to.deep.equal([
        ["FILE_ALTERED", first!.files[0]!.sha256, ids[0]],
        ["FILE_MISSING", second!.files[0]!.sha256, ids[1]],
      ]);
    } finally {
      await notary.stop();
    }
  });

  it("names a record row edited in the database, and the batch whose root no longer rebuilds", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      const row = (await notary.store.getRecord(ids[1]!))!;
      await notary.store.db
        .updateTable("records")
        .set({ canonical: row.canonical.replace("CASE-2026-0042", "CASE-2026-0043") })
        .where("id", "=", ids[1]!)
        .execute();
      const report = await audit();
      expect(report.discrepancies.map((d) => [d.code, d.recordId ?? d.batchIndex])).to.deep.equal([
        ["RECORD_ALTERED", ids[1]],
        ["BATCH_ROOT_MISMATCH", 0],
      ]);
    } finally {
      await notary.stop();
    }
  });

  it("names a record whose intake signature is not the operator's", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      const row = await notary.store.getRecord(ids[1]!);
      const forged = Wallet.createRandom().signingKey.sign(`0x${row!.leaf_hash}`).serialized;
      await notary.store.db
        .updateTable("records")
        .set({ signature: forged })
        .where("id", "=", ids[1]!)
        .execute();
      const report = await audit();
      expect(report.discrepancies.map((d) => [d.code, d.recordId])).to.deep.equal([
        ["SIGNATURE_INVALID", ids[1]],
      ]);
    } finally {
      await notary.stop();
    }
  });

  it("names a record whose stored anchor deadline or statement version was changed", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      await notary.store.db
        .updateTable("records")
        .set({ anchor_deadline: "2099-01-01T00:00:00.000Z" })
        .where("id", "=", ids[0]!)
        .execute();
      await notary.store.db
        .updateTable("records")
        .set({ intake_statement: 1 })
        .where("id", "=", ids[1]!)
        .execute();
      const report = await audit();
      expect(report.discrepancies.map((d) => [d.code, d.recordId])).to.deep.equal([
        ["SIGNATURE_INVALID", ids[0]],
        ["SIGNATURE_INVALID", ids[1]],
      ]);
      // The service refuses to serve what no longer matches its signature.
      const read = await notary.client.get(`/v1/records/${ids[0]}`);
      expect([read.status, (read.body as { error: { code: string } }).error.code]).to.deep.equal([
        500,
        "RECORD_ALTERED",
      ]);
    } finally {
      await notary.stop();
    }
  });

  it("names every index row edited or inserted, and serves, searches and grants by none of them", async () => {
    const dir = await newDataDir();
    const [platform, stranger] = [newApiKey(), newApiKey()];
    await writeKeyEntries(join(dir, "keys", "api-keys.json"), [
      { id: "platform", name: "platform", role: "platform", keySha256: hashApiKey(platform) },
      {
        id: "stranger",
        name: "another merchant",
        role: "merchant",
        parties: ["shop:evil"],
        keySha256: hashApiKey(stranger),
      },
    ]);
    const notary = await startTestNotary({}, dir);
    const client = notary.client.withKey(platform);
    try {
      const evidence = (
        await client.postRecord(await exampleRecord("evidence"), [
          { name: "capture.png", content: "png bytes", type: "image/png" },
        ])
      ).body as { id: string; receipt: { record: { files: { sha256: string }[] } } };
      const notice = (
        await client.postRecord(
          await exampleRecord("notice", [{ rel: "evidence", id: evidence.id }]),
        )
      ).body as { id: string };
      await waitAnchored(client, notice.id);
      await notary.pipeline.stop({ flush: false });
      const sha256 = evidence.receipt.record.files[0]!.sha256;
      const db = notary.store.db;
      await db
        .updateTable("record_files")
        .set({ name: "evil.exe", media_type: "application/x-msdownload" })
        .where("record_id", "=", evidence.id)
        .execute();
      await db
        .insertInto("record_parties")
        .values({ record_id: notice.id, party: "shop:evil" })
        .execute();
      await db
        .insertInto("record_terms")
        .values({ record_id: notice.id, field: "merchant", value: "fake merchant" })
        .execute();
      await db
        .insertInto("record_links")
        .values({ record_id: evidence.id, rel: "concerns", target_id: notice.id })
        .execute();

      const file = await client.getBytes(`/v1/records/${evidence.id}/files/${sha256}`);
      expect(file.headers.get("content-type")).to.equal("image/png");
      expect(file.headers.get("content-disposition")).to.include("capture.png");
      const described = (await client.get(`/v1/records/${evidence.id}`)).body as {
        files: { name: string; mediaType: string }[];
      };
      expect(described.files[0]).to.deep.include({ name: "capture.png", mediaType: "image/png" });
      const refused = await notary.client.withKey(stranger).get(`/v1/records/${notice.id}`);
      expect(refused.status).to.equal(403);
      const found = (await client.get("/v1/records?merchant=fake%20merchant")).body as {
        records: unknown[];
      };
      expect(found.records).to.deep.equal([]);
      const timeline = (await client.get(`/v1/cases/${notice.id}`)).body as {
        steps: { recordId?: string }[];
      };
      expect(JSON.stringify(timeline.steps)).not.to.include(`"recordId":"${evidence.id}"`);

      const report = await auditNotary(notary);
      expect(report.discrepancies.map((d) => [d.code, d.recordId]).sort()).to.deep.equal(
        [
          ["RECORD_FILES_MISMATCH", evidence.id],
          ["RECORD_LINKS_MISMATCH", evidence.id],
          ["RECORD_PARTIES_MISMATCH", notice.id],
          ["RECORD_TERMS_MISMATCH", notice.id],
        ].sort(),
      );
      const files = report.discrepancies.find((d) => d.code === "RECORD_FILES_MISMATCH")!;
      expect(JSON.stringify(files.details)).to.include("evil.exe");
    } finally {
      await notary.stop();
    }
  });

  /** Deletes a record and every row that refers to it, as someone hiding it would. */
  const dropRecord = async (notary: TestNotary, id: string) => {
    for (const table of [
      "record_files",
      "record_parties",
      "record_links",
      "record_disclosures",
    ] as const)
      await notary.store.db.deleteFrom(table).where("record_id", "=", id).execute();
    await notary.store.db.deleteFrom("records").where("id", "=", id).execute();
  };

  it("names a dropped record by its seq", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      await dropRecord(notary, ids[2]!);
      const report = await audit();
      expect(codes(report)).to.deep.equal(["RECORD_MISSING", "BATCH_ROOT_MISMATCH"]);
      expect(report.discrepancies[0]).to.include({ seq: 2 });
      expect(report.discrepancies[1]).to.include({ batchIndex: 1 });
    } finally {
      await notary.stop();
    }
  });

  it("names a run of dropped records as one gap, with its first and last seq", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      for (const id of [ids[0]!, ids[1]!]) await dropRecord(notary, id);
      const report = await audit();
      expect(codes(report)).to.deep.equal(["RECORD_MISSING", "BATCH_ROOT_MISMATCH"]);
      expect(report.discrepancies[0]).to.include({ seq: 0, lastSeq: 1 });
      expect(report.discrepancies[0]!.message).to.include("2 records");
    } finally {
      await notary.stop();
    }
  });

  it("names a forged batch row that differs from the chain, and serves no receipt from it", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      await notary.store.db
        .updateTable("batches")
        .set({ root: "ab".repeat(32) })
        .where("batch_index", "=", 0)
        .execute();
      const report = await audit();
      // The root is also no longer the one its stored and mined anchor calls carry.
      expect(report.discrepancies.map((d) => [d.code, d.batchIndex])).to.deep.equal([
        ["BATCH_ROOT_MISMATCH", 0],
        ["BATCH_RAW_TX_MISMATCH", 0],
        ["BATCH_TX_MISMATCH", 0],
        ["BATCH_CHAIN_MISMATCH", 0],
      ]);
    } finally {
      await notary.stop();
    }
    // A fresh process has no tree cached: it must refuse to build a receipt that cannot verify.
    const restarted = await startTestNotary({}, notary.dataDir);
    try {
      const { status, body } = await restarted.client.get(`/v1/records/${ids[0]}/receipt`);
      expect(status).to.equal(500);
      expect((body as { error: { code: string } }).error.code).to.equal("BATCH_ROOT_MISMATCH");
    } finally {
      await restarted.stop();
    }
  });

  it("names a head the contract states that its batches do not make (HEAD_MISMATCH)", async () => {
    const { notary } = await ledger();
    try {
      const honest = providerChainReader(notary.chain.provider);
      const report = await auditNotary(
        notary,
        // An RPC (or a contract) that answers another head than its batches chain to.
        { ...honest, headOf: async () => `0x${"77".repeat(32)}` },
      );
      expect(report.discrepancies.map((d) => d.code)).to.deep.equal(["HEAD_MISMATCH"]);
    } finally {
      await notary.stop();
    }
  });

  it("says the head could not be read steadily while the batch count kept changing (HEAD_UNSTABLE)", async () => {
    const { notary } = await ledger();
    try {
      const honest = providerChainReader(notary.chain.provider);
      let reads = 0;
      const report = await auditNotary(
        notary,
        // Anchoring goes on under the audit: every read of the count is one more.
        {
          ...honest,
          batchCount: async (contract, operator) =>
            (await honest.batchCount!(contract, operator)) + reads++,
        },
      );
      expect(report.discrepancies.map((d) => d.code)).to.deep.equal(["HEAD_UNSTABLE"]);
    } finally {
      await notary.stop();
    }
  });

  it("accepts a batch the chain holds before the ledger marks it anchored, and names one it never made", async () => {
    const { notary, audit } = await ledger();
    try {
      // The moment between the anchor transaction being mined and the batch row being updated.
      await notary.store.db
        .updateTable("batches")
        .set({ status: "sent" })
        .where("batch_index", "=", 1)
        .execute();
      expect((await audit()).discrepancies).to.deep.equal([]);
      // A batch on chain that the ledger has no row for was not made by this ledger.
      await notary.store.db
        .updateTable("batches")
        .set({ root: "cd".repeat(32) })
        .where("batch_index", "=", 1)
        .execute();
      const report = await audit();
      expect(report.discrepancies.map((d) => [d.code, d.batchIndex])).to.deep.include([
        "BATCH_COUNT_MISMATCH",
        1,
      ]);
    } finally {
      await notary.store.db
        .updateTable("batches")
        .set({ status: "anchored" })
        .where("batch_index", "=", 1)
        .execute();
      await notary.stop();
    }
  });

  it("names every column the service reads that was changed behind it, each with its own code", async () => {
    const { notary, ids, audit } = await ledger();
    try {
      const db = notary.store.db;
      const row = (await notary.store.getRecord(ids[0]!))!;
      const batch = (await notary.store.getBatch(0))!;
      const other = (await notary.store.getBatch(1))!;
      const record = (set: Record<string, unknown>) =>
        db.updateTable("records").set(set).where("id", "=", ids[0]!).execute();
      const batch0 = (set: Record<string, unknown>) =>
        db.updateTable("batches").set(set).where("batch_index", "=", 0).execute();
      const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
        [
          "RECORD_RECEIVED_AT_MISMATCH",
          () => record({ received_at: "2020-01-01T00:00:00.000Z" }),
          () => record({ received_at: row.received_at }),
        ],
        [
          "RECORD_SUBMITTER_MISMATCH",
          () => record({ submitter_key: "someone-else" }),
          () => record({ submitter_key: row.submitter_key }),
        ],
        [
          "RECORD_BATCH_INDEX_MISMATCH",
          () => record({ batch_index: null }),
          () => record({ batch_index: row.batch_index }),
        ],
        [
          "BATCH_TX_MISMATCH",
          () => batch0({ tx_hash: other.tx_hash }),
          () => batch0({ tx_hash: batch.tx_hash }),
        ],
        [
          "BATCH_BLOCK_HASH_MISMATCH",
          () => batch0({ block_hash: other.block_hash }),
          () => batch0({ block_hash: batch.block_hash }),
        ],
        [
          "BATCH_BLOCK_TIME_MISMATCH",
          () => batch0({ block_timestamp: batch.block_timestamp! + 60 }),
          () => batch0({ block_timestamp: batch.block_timestamp }),
        ],
        [
          "BATCH_OPERATOR_MISMATCH",
          () => batch0({ operator: Wallet.createRandom().address }),
          () => batch0({ operator: batch.operator }),
        ],
        [
          "BATCH_RAW_TX_MISMATCH",
          () => batch0({ raw_tx: other.raw_tx }),
          () => batch0({ raw_tx: batch.raw_tx }),
        ],
        [
          "NEXT_SEQ_BEHIND",
          () => db.updateTable("ledger_state").set({ next_seq: 1 }).execute(),
          () => db.updateTable("ledger_state").set({ next_seq: 3 }).execute(),
        ],
      ];
      for (const [code, tamper, restore] of cases) {
        await tamper();
        expect(codes(await audit()), code).to.include(code);
        if (code === "NEXT_SEQ_BEHIND") {
          // Readiness must not say ok while every submission fails.
          const ready = await notary.client.get("/readyz");
          expect([ready.status, (ready.body as { sequence: string }).sequence]).to.deep.equal([
            503,
            "NEXT_SEQ_BEHIND",
          ]);
        }
        await restore();
      }
      expect((await notary.client.get("/readyz")).body).to.deep.include({ sequence: "ok" });
      expect((await audit()).discrepancies).to.deep.equal([]);
    } finally {
      await notary.stop();
    }
  });

  it("runs as npm run audit against the replayed chain, and as GET /v1/audit for regulators", async () => {
    const { notary, ids, audit } = await ledger();
    const clean = await promisify(execFile)(
      process.execPath,
      [...RUN_TYPESCRIPT, "scripts/audit.ts", "--json"],
      { env: { ...process.env, DATA_DIR: notary.dataDir } },
    );
    expect((JSON.parse(clean.stdout) as AuditReport).discrepancies).to.deep.equal([]);
    try {
      const row = (await notary.store.getRecord(ids[0]!))!;
      await rm(localFiles(notary).pathOf(row.files[0]!.sha256));
      const cli = await promisify(execFile)(
        process.execPath,
        [...RUN_TYPESCRIPT, "scripts/audit.ts"],
        { env: { ...process.env, DATA_DIR: notary.dataDir } },
      ).then(
        () => ({ code: 0, stdout: "" }),
        (e: { code: number; stdout: string }) => e,
      );
      expect(cli.code).to.equal(1);
      expect(cli.stdout).to.include("FILE_MISSING");

      const keys = [
        { id: "reg", role: "regulator" as const },
        { id: "rh", role: "rights_holder" as const },
      ];
      const secrets = keys.map(() => newApiKey());
      const file = join(notary.dataDir, "keys", "api-keys.json");
      await writeKeyEntries(file, [
        ...(await readKeyEntries(file)),
        ...keys.map((k, i) => ({ ...k, name: k.id, keySha256: hashApiKey(secrets[i]!) })),
      ]);
      await new Promise((r) => setTimeout(r, 1_100));
      const [json, same] = await Promise.all(
        [0, 1].map(() => notary.client.withKey(secrets[0]).get("/v1/audit")),
      );
      expect((json!.body as AuditReport).discrepancies.map((d) => d.code)).to.deep.equal([
        "FILE_MISSING",
      ]);
      // Two requests at once share one run; a request after it ends starts another.
      expect((same!.body as AuditReport).id).to.equal((json!.body as AuditReport).id);
      const later = (await notary.client.withKey(secrets[0]).get("/v1/audit")).body as AuditReport;
      expect(later.id).not.to.equal((json!.body as AuditReport).id);
      const html = await notary.client.withKey(secrets[0]).get("/v1/audit?format=html");
      expect(html.body as string).to.include("FILE_MISSING");
      expect((await notary.client.withKey(secrets[1]).get("/v1/audit")).status).to.equal(403);
      expect((await audit()).ok).to.equal(false);
    } finally {
      await notary.stop();
    }
  });
});
