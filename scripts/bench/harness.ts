import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnNotary, type NotaryChild } from "../notary-process";

/** Runs a benchmark case's main; a failure exits non-zero so `npm run bench` reports it. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** Gives `work` a scratch directory and the service running in its own process on it. */
export async function withNotary(
  env: Record<string, string>,
  work: (notary: NotaryChild, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-"));
  let notary: NotaryChild | undefined;
  try {
    notary = await spawnNotary(join(dir, "data"), env);
    await work(notary, dir);
  } finally {
    notary?.child.kill("SIGKILL");
    await notary?.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

/** Current and peak resident set size of another process, in bytes (Linux). */
export async function rssOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))![1]) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** A file of `size` bytes that compress not at all, written without holding it in memory. */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(1 << 20);
  for (let written = 0; written < size; written += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) chunk.writeInt32LE((written + i) ^ 0x9e3779b9, i);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}
