/**
 * What a regulator does with a large ledger: export it and audit it. The ledger is filled in
 * this process through the notary's own intake (every record validated, sequenced, signed and
 * anchored as over HTTP, only without the HTTP). Then the service runs in its own process and
 * streams the export while its RSS is sampled (flat memory: the peak over the whole export is no
 * higher than the peak over its first tenth), and `npm run audit` runs in its own process on the
 * same ledger, sampled the same way, as is `npm run verify-export` on the downloaded archive.
 * `BENCH_LEDGER_RECORDS` sets the size (default 1,000,000).
 */
import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../service/config";
import { hashApiKey, newApiKey, readKeyEntries, writeKeyEntries } from "../../service/keys";
import { createLogger } from "../../service/observability";
import { parseRecordInput, type ValidRecordInput } from "../../service/records";
import { startNotary } from "../../service/server";
import { spawnNotary } from "../notary-process";
import { rssOf, runBenchmark } from "./harness";
import { mebibytes, millis, report } from "./report";
import { RUN_TYPESCRIPT } from "../typescript";

const RECORDS = Number(process.env.BENCH_LEDGER_RECORDS ?? 1_000_000);
const IN_FLIGHT = 512;
const size = `${RECORDS.toLocaleString("en")} records`;
const name = `export ${size}`;

async function example(kind: string, links: { rel: string; id: string }[] = []) {
  const raw = JSON.parse(await readFile(`examples/records/${kind}.json`, "utf8")) as object;
  return parseRecordInput({ ...raw, links }, []);
}

/** Fills the ledger with a case mix: per notice, its evidence, actions and a declaration. */
async function fill(dataDir: string): Promise<{ apiKeysFile: string; seconds: number }> {
  const running = await startNotary(
    loadConfig({
      DATA_DIR: dataDir,
      PORT: "0",
      CHAIN_PORT: "0",
      BATCH_MAX_RECORDS: "10000",
      LOG_LEVEL: "silent",
    }),
    createLogger("silent"),
  );
  const submitter = { keyId: "bench", name: "Bench platform" };
  const submit = async (input: ValidRecordInput) =>
    (await running.notary.submit({ input, files: [], submitter })).id;
  const evidenceId = await submit(await example("evidence"));
  const noticeId = await submit(await example("notice", [{ rel: "evidence", id: evidenceId }]));
  const mix = [
    await example("evidence"),
    await example("notice", [{ rel: "evidence", id: evidenceId }]),
    await example("action", [{ rel: "concerns", id: noticeId }]),
    await example("counter_notice", [{ rel: "answers", id: noticeId }]),
    await example("filing"),
    await example("commitment"),
  ];
  const start = process.hrtime.bigint();
  let next = 2;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < RECORDS) await submit(mix[next++ % mix.length]!);
    }),
  );
  const seconds = millis(start) / 1000;
  await running.stop(); // anchors everything accepted before it returns
  return { apiKeysFile: running.apiKeysFile, seconds };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-export-"));
  try {
    const dataDir = join(dir, "data");
    const filled = await fill(dataDir);
    report({
      case: name,
      metric: "filling the ledger in-process (intake without HTTP), records/s",
      value: (RECORDS / filled.seconds).toFixed(0),
    });
    const secret = newApiKey();
    await writeKeyEntries(filled.apiKeysFile, [
      ...(await readKeyEntries(filled.apiKeysFile)),
      {
        id: "bench-regulator",
        name: "Bench regulator",
        role: "regulator",
        keySha256: hashApiKey(secret),
      },
    ]);
    const notary = await spawnNotary(dataDir);
    try {
      const archive = join(dir, "export.zip");
      await measure(notary.url, notary.child.pid!, secret, archive);
      await measureVerifyExport(archive, notary.rpcUrl!);
    } finally {
      notary.child.kill("SIGKILL");
      await notary.exited;
    }
    await measureAudit(dataDir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(url: string, pid: number, key: string, archive: string): Promise<void> {
  const before = (await rssOf(pid)).rss;
  // (bytes received so far, RSS) samples: the archive's bytes stand in for progress.
  const samples: { bytes: number; rss: number }[] = [];
  let bytes = 0;
  const sampler = setInterval(
    () => void rssOf(pid).then((r) => samples.push({ bytes, rss: r.rss })),
    100,
  );
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}/v1/exports`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (response.status !== 200) throw new Error(`export: HTTP ${response.status}`);
  const reader = response.body!.getReader();
  const file = await open(archive, "w");
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.length;
    await file.write(read.value);
  }
  await file.close();
  const seconds = millis(start) / 1000;
  clearInterval(sampler);
  const peakUpTo = (share: number) =>
    Math.max(before, ...samples.filter((s) => s.bytes <= bytes * share).map((s) => s.rss));
  report({ case: name, metric: "streamed archive (ZIP)", value: mebibytes(bytes) });
  report({
    case: name,
    metric: "records/s exported (JSON Lines + CSV, with receipts)",
    value: `${(RECORDS / seconds).toFixed(0)} (${seconds.toFixed(0)} s)`,
  });
  report({
    case: name,
    metric: "service RSS growth: peak in the first 10 % / whole export",
    value: `${mebibytes(peakUpTo(0.1) - before)} / ${mebibytes(peakUpTo(1) - before)}`,
    goal: "flat",
  });
}

/** A script run in its own process, timed, its peak RSS sampled. */
async function runSampled(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string; seconds: number; peak: number }> {
  const child = spawn(process.execPath, [...RUN_TYPESCRIPT, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const start = process.hrtime.bigint();
  let peak = 0;
  const sampler = setInterval(
    () =>
      void rssOf(child.pid!)
        .then((r) => (peak = Math.max(peak, r.hwm)))
        .catch(() => undefined),
    100,
  );
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(sampler);
  return { code, output, seconds: millis(start) / 1000, peak };
}

/** `npm run audit` on the ledger, as an assessor runs it. */
async function measureAudit(dataDir: string): Promise<void> {
  const run = await runSampled("scripts/audit.ts", [], { DATA_DIR: dataDir });
  if (run.code !== 0) throw new Error(`npm run audit exited with ${run.code}:\n${run.output}`);
  report({
    case: `audit ${size}`,
    metric: "records/s audited (re-hashed, signature checked, roots rebuilt, chain compared)",
    value: `${(RECORDS / run.seconds).toFixed(0)} (${run.seconds.toFixed(0)} s)`,
  });
  report({ case: `audit ${size}`, metric: "audit process peak RSS", value: mebibytes(run.peak) });
}

/**
 * `npm run verify-export` on the downloaded archive, as a regulator runs it. The export's own
 * receipt is still pending (exit 2); every record's receipt must verify.
 */
async function measureVerifyExport(archive: string, rpcUrl: string): Promise<void> {
  const run = await runSampled("scripts/verify-export.ts", [
    "--archive",
    archive,
    "--rpc",
    rpcUrl,
    "--json",
  ]);
  const verified = JSON.parse(run.output.slice(run.output.indexOf("{"))) as {
    receipts: { checked: number; valid: number; invalid: number };
    findingCount: number;
  };
  if (verified.findingCount > 0 || verified.receipts.invalid > 0)
    throw new Error(`npm run verify-export found problems:\n${run.output.slice(0, 4_000)}`);
  const name = `verify-export ${size}`;
  report({
    case: name,
    metric: "receipts/s checked (entries hashed, every receipt verified against the chain)",
    value: `${(verified.receipts.checked / run.seconds).toFixed(0)} (${run.seconds.toFixed(0)} s, ${verified.receipts.valid} valid)`,
  });
  report({ case: name, metric: "process peak RSS", value: mebibytes(run.peak) });
}

runBenchmark(main);
