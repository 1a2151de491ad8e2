/**
 * The service in its own process: sustained rate of 1 KiB JSON records from 32 concurrent
 * clients, and seconds from intake to anchored receipt at the default batch settings.
 */
import autocannon from "autocannon";
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { NotaryChild } from "../notary-process";
import { runBenchmark, withNotary } from "./harness";
import { millis, report } from "./report";

const CLIENTS = 32;
const SECONDS = 10;

async function kiloByteRecord(): Promise<string> {
  const record = JSON.parse(await readFile("examples/records/commitment.json", "utf8")) as {
    metadata: { text: string };
  };
  const base = JSON.stringify(record).length;
  record.metadata.text += " ".concat("x".repeat(Math.max(0, 1024 - base - 1)));
  return JSON.stringify(record);
}

async function post(notary: NotaryChild, body: string): Promise<{ status: number; id?: string }> {
  const response = await fetch(`${notary.url}/v1/records`, {
    method: "POST",
    headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
    body,
  });
  const json = (await response.json()) as { id?: string };
  return { status: response.status, id: json.id };
}

/**
 * autocannon drives the load: it spends far less CPU per request than a fetch loop, and on two
 * cores shared with the service every cycle the client burns is one the service loses.
 */
async function postLoad(
  notary: NotaryChild,
  body: string,
  load: { connections: number; duration: number; overallRate?: number },
): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `${notary.url}/v1/records`,
    method: "POST",
    ...load,
    headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
    body,
  });
  const refused = result.non2xx + result.errors + result.timeouts;
  if (refused > 0) throw new Error(`${refused} requests failed or were refused`);
  return result;
}

/**
 * wrk (Debian's `wrk`), where installed, measures the same load at about a tenth of
 * autocannon's CPU: on two cores the client's CPU is the service's loss, so both are printed.
 */
async function wrkRate(notary: NotaryChild, body: string): Promise<void> {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is a reason to skip.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
  }
  const dir = await mkdtemp(join(tmpdir(), "bench-wrk-"));
  try {
    await writeFile(join(dir, "body.json"), body);
    await writeFile(
      join(dir, "post.lua"),
      `wrk.method = "POST"\nlocal f = io.open("${join(dir, "body.json")}")\nwrk.body = f:read("*a")\nf:close()\n` +
        `wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${notary.apiKey}"\n`,
    );
    const { stdout } = await promisify(execFile)("wrk", [
      "-t1",
      `-c${CLIENTS}`,
      `-d${SECONDS}s`,
      "--latency",
      "-s",
      join(dir, "post.lua"),
      `${notary.url}/v1/records`,
    ]);
    if (/Non-2xx/.test(stdout)) throw new Error(`wrk saw refusals:\n${stdout}`);
    const rate = Number(stdout.match(/Requests\/sec:\s+([\d.]+)/)![1]);
    const p99 = stdout.match(/99%\s+([\d.]+\w+)/)?.[1] ?? "?";
    report({
      case: "intake, 1 KiB JSON records",
      metric: `records/s, ${CLIENTS} concurrent clients (wrk), ${SECONDS} s (p99 latency ${p99})`,
      value: rate.toFixed(0),
      goal: ">= 3,000",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function intakeRate(notary: NotaryChild, body: string): Promise<void> {
  const result = await postLoad(notary, body, { connections: CLIENTS, duration: SECONDS });
  report({
    case: "intake, 1 KiB JSON records",
    metric: `records/s, ${CLIENTS} concurrent clients (autocannon), ${SECONDS} s (p99 latency ${result.latency.p99} ms)`,
    value: `${(result.requests.total / SECONDS).toFixed(0)}`,
    goal: ">= 3,000",
  });
}

async function anchorLatency(notary: NotaryChild, body: string): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const { id } = await post(notary, body);
    for (;;) {
      const receipt = (await (
        await fetch(`${notary.url}/v1/records/${id}/receipt`, {
          headers: { authorization: `Bearer ${notary.apiKey}` },
        })
      ).json()) as { status: string };
      if (receipt.status === "anchored") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    samples.push(millis(start) / 1000);
  }
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  report({
    case: "intake to anchored receipt",
    metric: "seconds, default settings (embedded chain, 2 s batch wait), mean of 5",
    value: `${mean.toFixed(2)} s (max ${Math.max(...samples).toFixed(2)} s)`,
  });
}

const STEADY_RATE = 150;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 300);

/**
 * Tail latency at a steady, moderate load (not saturation): what a platform sees on a normal
 * day, anchoring and chain mining running underneath every 2 s.
 */
async function steadyLatency(notary: NotaryChild, body: string): Promise<void> {
  const result = await postLoad(notary, body, {
    connections: 8,
    overallRate: STEADY_RATE,
    duration: STEADY_SECONDS,
  });
  report({
    case: "intake, 1 KiB JSON records",
    metric: `latency at a steady ${STEADY_RATE} requests/s for ${STEADY_SECONDS} s: p50 / p99 / max`,
    value: `${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms`,
    goal: "p99 < 50 ms",
  });
}

async function main(): Promise<void> {
  const body = await kiloByteRecord();
  await withNotary({}, async (notary) => {
    await intakeRate(notary, body);
    await wrkRate(notary, body);
    await anchorLatency(notary, body);
  });
  await withNotary({}, (notary) => steadyLatency(notary, body));
}

runBenchmark(main);
