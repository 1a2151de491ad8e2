/**
 * A regulator's export of a large ledger: the ledger is filled in this process through the
 * notary's own intake (every record validated, sequenced, signed and anchored as over HTTP, only
 * without the HTTP), then the service runs in its own process and streams the export while its
 * RSS is sampled. Flat memory means the peak over the whole export is no higher than the peak
 * over its first tenth. `BENCH_EXPORT_RECORDS` sets the size (default 1,000,000).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

const RECORDS = Number(process.env.BENCH_EXPORT_RECORDS ?? 1_000_000);
const IN_FLIGHT = 512;
const name = `export ${RECORDS.toLocaleString("en")} records`;

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
      await measure(notary.url, notary.child.pid!, secret);
    } finally {
      notary.child.kill("SIGKILL");
      await notary.exited;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(url: string, pid: number, key: string): Promise<void> {
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
  for (let read = await reader.read(); !read.done; read = await reader.read())
    bytes += read.value.length;
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

runBenchmark(main);
