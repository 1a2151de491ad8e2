/**
 * `npm run cluster`: the production shape on one machine, and a drill of its failover. Starts a
 * PostgreSQL schema (the machine's server), an S3 protocol server (s3rver), anvil as the public
 * chain and three replicas; spreads intake over all three; kills the replica holding the
 * anchorer with SIGKILL under load; then checks that every acknowledged record is anchored
 * once, its receipt verifies, its file's bytes are in the bucket, the audit is clean, no batch
 * is on chain twice and no object is orphaned after the sweep. Prints what it measured.
 */
import { createHash } from "node:crypto";
import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAudit } from "../service/audit";
import { providerChainReader } from "../service/chain-reader";
import { LedgerStore, openDatabase, S3FileStore } from "../service/storage";
import { verifyReceipt } from "../service/verify";
import { startAnvil } from "../test/support/anvil";
import { dropSchema, newSchemaName, PG_URL } from "../test/support/postgres";
import { startTestS3 } from "../test/support/s3";
import { spawnNotary, type NotaryChild } from "./notary-process";

export interface DrillOptions {
  replicas: number;
  /** Records to acknowledge in all. */
  records: number;
  /** Acknowledged records before the anchorer's holder is killed; none killed when undefined. */
  killAfter?: number;
  leaseMs: number;
  /** Concurrent clients posting records. */
  clients: number;
  /** Run the compiled service (`npm run build` first), as `npm start` does: faster to start. */
  built?: boolean;
  log?: (line: string) => void;
}

export interface DrillResult {
  acknowledged: number;
  /** Posts that failed (the killed replica's connections); each retried on another replica. */
  failedPosts: number;
  intakeSeconds: number;
  recordsPerSecond: number;
  killed: string | undefined;
  /** From the kill to another replica holding the anchorer (its /readyz). */
  failoverMs: number | undefined;
  /** From the kill to the first batch anchored by the new holder. */
  anchoringResumedMs: number | undefined;
  verifiedReceipts: number;
  batches: number;
  batchesOnChain: number;
  auditDiscrepancies: string[];
  objectsInBucket: number;
  orphansSwept: number;
  unreferencedObjects: number;
}

interface Replica extends NotaryChild {
  name: string;
  alive: boolean;
}

const get = async <T>(url: string, key?: string): Promise<T> => {
  const response = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return (await response.json()) as T;
};

export async function runClusterDrill(options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => undefined);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const anvil = await startAnvil();
    stops.push(() => anvil.close());
    const s3 = await startTestS3();
    stops.push(() => s3.stop());
    const schema = newSchemaName();
    stops.push(() => dropSchema(schema));
    const shared = await mkdtemp(join(tmpdir(), "cluster-"));
    await mkdir(join(shared, "keys"), { recursive: true });
    const operator = await anvil.fundedKey("100");
    await writeFile(join(shared, "keys", "operator.key"), `${operator.privateKey}\n`, {
      mode: 0o600,
    });
    const env: Record<string, string> = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      ...s3.env("ledger"),
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY!,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      S3_SWEEP_GRACE_MS: "2000",
      CHAIN_RPC_URL: anvil.rpcUrl,
      OPERATOR_KEY_FILE: join(shared, "keys", "operator.key"),
      API_KEYS_FILE: join(shared, "keys", "api-keys.json"),
      LOOKUP_SECRET_FILE: join(shared, "keys", "lookup.key"),
      LEASE_MS: String(options.leaseMs),
      BATCH_MAX_WAIT_MS: "200",
      LOG_LEVEL: "warn",
    };
    const replicas: Replica[] = [];
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const child = await spawnNotary(
        await mkdtemp(join(tmpdir(), `${name}-`)),
        { ...env, REPLICA_NAME: name, ...extra },
        { built: options.built },
      );
      const replica = { ...child, name, alive: true };
      stops.push(async () => {
        if (replica.alive) child.child.kill("SIGTERM");
        await child.exited;
      });
      replicas.push(replica);
      return replica;
    };
    // The first deploys the contract; the others anchor in it.
    const first = await start("r1");
    const { contract } = await get<{ contract: string }>(`${first.url}/v1/ledger`, first.apiKey);
    for (let i = 2; i <= options.replicas; i++) await start(`r${i}`, { LEDGER_ADDRESS: contract });
    const apiKey = first.apiKey;
    log(`${options.replicas} replicas up: ${replicas.map((r) => r.url).join(" ")}`);

    const acknowledged: { id: string; sha256: string }[] = [];
    let failedPosts = 0;
    let next = 0;
    let killed: Replica | undefined;
    let killedAt = 0;
    let failoverMs: number | undefined;
    let lastFailure = "";
    const example = JSON.parse(
      await readFile(join(__dirname, "..", "examples", "records", "evidence.json"), "utf8"),
    ) as { metadata: Record<string, unknown> };
    const started = Date.now();
    const post = async (n: number) => {
      const content = `cluster drill file ${n} ${Date.now()} ${Math.random()}`;
      const form = new FormData();
      form.append(
        "record",
        JSON.stringify({ ...example, metadata: { ...example.metadata, caseRef: `DRILL-${n}` } }),
      );
      form.append("files", new Blob([content]), `f${n}.txt`);
      for (let attempt = 0; ; attempt++) {
        const alive = replicas.filter((r) => r.alive);
        const replica = alive[(n + attempt) % alive.length]!;
        try {
          const response = await fetch(`${replica.url}/v1/records`, {
            method: "POST",
            headers: { authorization: `Bearer ${apiKey}` },
            body: form,
          });
          const body = (await response.json()) as { id?: string };
          if (response.status === 201 && body.id) {
            acknowledged.push({
              id: body.id,
              sha256: createHash("sha256").update(content).digest("hex"),
            });
            return;
          }
          failedPosts++;
          lastFailure = `${response.status} ${JSON.stringify(body)}`;
        } catch (error) {
          failedPosts++;
          lastFailure = String(error);
        }
        if (attempt > 20) throw new Error(`record ${n} could not be posted: ${lastFailure}`);
      }
    };
    const holderOfAnchorer = async (among: Replica[]) => {
      for (const r of among) {
        const ready = await get<{ replica?: { roles: string[] } }>(`${r.url}/readyz`).catch(
          () => undefined,
        );
        if (ready?.replica?.roles.includes("anchorer")) return r;
      }
      return undefined;
    };
    const client = async () => {
      while (next < options.records) {
        const n = next++;
        await post(n);
        if (
          options.killAfter !== undefined &&
          !killed &&
          acknowledged.length >= options.killAfter
        ) {
          const holder = await holderOfAnchorer(replicas);
          if (!holder || killed) continue;
          killed = holder;
          killedAt = Date.now();
          holder.alive = false;
          holder.child.kill("SIGKILL");
          log(`killed ${holder.name} (the anchorer) after ${acknowledged.length} records`);
          void (async () => {
            while (!(await holderOfAnchorer(replicas.filter((r) => r.alive))))
              await new Promise((r) => setTimeout(r, 25));
            failoverMs = Date.now() - killedAt;
            log(`anchorer taken over in ${failoverMs} ms`);
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: options.clients }, client));
    const intakeSeconds = (Date.now() - started) / 1000;
    log(`${acknowledged.length} records acknowledged in ${intakeSeconds.toFixed(1)} s`);

    // Everything acknowledged gets anchored by whoever holds the anchorer now.
    const survivor = replicas.find((r) => r.alive)!;
    for (const deadline = Date.now() + 120_000; ;) {
      const info = await get<{ nextSeq: number; anchoredSeq: number }>(
        `${survivor.url}/v1/ledger`,
        apiKey,
      );
      if (info.anchoredSeq >= info.nextSeq) break;
      if (Date.now() > deadline) throw new Error(`not anchored: ${JSON.stringify(info)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { db } = await openDatabase({ databaseUrl: PG_URL, sqliteFile: "", pgSchema: schema });
    stops.unshift(() => db.destroy());
    const store = new LedgerStore(db, async () => undefined);
    const batches = await store.allBatches();
    let anchoringResumedMs: number | undefined;
    if (killed) {
      const after = batches
        .map((b) => Date.parse(b.anchored_at ?? ""))
        .filter((t) => t > killedAt)
        .sort((a, b) => a - b)[0];
      anchoringResumedMs = after === undefined ? undefined : after - killedAt;
    }
    const chain = providerChainReader(anvil.provider);
    let verified = 0;
    for (const { id, sha256 } of acknowledged) {
      const receipt = await get<unknown>(`${survivor.url}/v1/records/${id}/receipt`, apiKey);
      const result = await verifyReceipt({ receipt, fileDigests: [sha256], chain });
      if (result.verdict === "valid") verified++;
      else log(`receipt of ${id}: ${result.verdict} ${JSON.stringify(result.steps.at(-1))}`);
    }
    const files = new S3FileStore({
      url: env.FILE_STORE_URL!,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      retainDays: 1,
      sweepGraceMs: 2_000,
      tempDir: await mkdtemp(join(tmpdir(), "cluster-scratch-")),
    });
    stops.unshift(async () => files.close());
    const binding = (await store.binding())!;
    const audit = await runAudit({ store, files, binding, chain });
    // The contract takes a batch only at its operator's next seq: none can be on chain twice.
    const batchesOnChain = await chain.batchCount!(binding.contract, binding.operator);
    // The killed replica's uploads in flight left markers: swept once the grace has passed.
    await new Promise((r) => setTimeout(r, 2_100));
    const orphansSwept = await files.sweepUnreferenced((d) => store.isFileReferenced(d));
    let objects = 0;
    let unreferenced = 0;
    for await (const d of files.digests()) {
      objects++;
      if (!(await store.isFileReferenced(d))) unreferenced++;
    }
    return {
      acknowledged: acknowledged.length,
      failedPosts,
      intakeSeconds,
      recordsPerSecond: acknowledged.length / intakeSeconds,
      killed: killed?.name,
      failoverMs,
      anchoringResumedMs,
      verifiedReceipts: verified,
      batches: batches.length,
      batchesOnChain,
      auditDiscrepancies: audit.discrepancies.map((d) => `${d.code}: ${d.message}`),
      objectsInBucket: objects,
      orphansSwept,
      unreferencedObjects: unreferenced,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

if (require.main === module) {
  const replicas = Number(process.env.REPLICAS ?? 3);
  runClusterDrill({
    replicas,
    records: Number(process.env.RECORDS ?? 600),
    killAfter: Number(process.env.KILL_AFTER ?? 200),
    leaseMs: Number(process.env.LEASE_MS ?? 3_000),
    clients: Number(process.env.CLIENTS ?? 8),
    log: (line) => console.log(line),
  }).then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      const ok =
        result.verifiedReceipts === result.acknowledged &&
        result.auditDiscrepancies.length === 0 &&
        result.batches === result.batchesOnChain &&
        result.unreferencedObjects === 0;
      console.log(ok ? "cluster drill: every check held" : "cluster drill: a check FAILED");
      process.exit(ok ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
