/**
 * A court bundle of a record holding one large file (BENCH_BUNDLE_MIB, default 1024 MiB),
 * downloaded over HTTP from the service (its own process): time, throughput, and the service's
 * RSS growth while it streams, which must stay flat whatever the file's size.
 */
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { NotaryChild } from "../notary-process";
import { rssOf, runBenchmark, withNotary, writeRandomFile } from "./harness";
import { mebibytes, millis, report } from "./report";

const SIZE = Number(process.env.BENCH_BUNDLE_MIB ?? 1024) * 2 ** 20;
const name = `court bundle, ${SIZE / 2 ** 20} MiB file`;
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { maxBuffer: 1 << 24 })).stdout;

async function measure(notary: NotaryChild, dir: string): Promise<void> {
  const file = join(dir, "big.bin");
  await writeRandomFile(file, SIZE);
  const posted = await run("curl", [
    "-sS",
    "-H",
    `Authorization: Bearer ${notary.apiKey}`,
    "-F",
    "record=<examples/records/evidence.json",
    "-F",
    `files=@${file};type=application/octet-stream`,
    `${notary.url}/v1/records`,
  ]);
  const id = (JSON.parse(posted) as { id: string }).id;
  // The bundle carries a certificate, which an anchored record has: wait for the anchor.
  for (let anchored = false; !anchored; await new Promise((r) => setTimeout(r, 200))) {
    const receipt = await fetch(`${notary.url}/v1/records/${id}/receipt`, {
      headers: { authorization: `Bearer ${notary.apiKey}` },
    });
    anchored = ((await receipt.json()) as { status: string }).status === "anchored";
  }
  const pid = notary.child.pid!;
  const before = await rssOf(pid);
  let peak = before.rss;
  const sampler = setInterval(
    () => void rssOf(pid).then((r) => (peak = Math.max(peak, r.rss))),
    50,
  );
  const out = join(dir, "bundle.zip");
  const start = process.hrtime.bigint();
  await run("curl", [
    "-sS",
    "--fail",
    "-o",
    out,
    "-H",
    `Authorization: Bearer ${notary.apiKey}`,
    `${notary.url}/v1/records/${id}/bundle`,
  ]);
  const seconds = millis(start) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, (await rssOf(pid)).rss);
  const bytes = (await stat(out)).size;
  if (bytes < SIZE) throw new Error(`the bundle holds ${bytes} bytes, less than the file`);
  report({
    case: name,
    metric: "download, end to end",
    value: `${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s (${seconds.toFixed(2)} s, ${mebibytes(bytes)})`,
  });
  report({
    case: name,
    metric: "service RSS growth (peak - before)",
    value: mebibytes(peak - before.rss),
    goal: "< 100 MB",
  });
}

runBenchmark(() => withNotary({ MAX_FILE_BYTES: String(2 * SIZE) }, measure));
