/**
 * Anchoring lag on a slow public-like chain: anvil mining a block every BENCH_BLOCK_TIME
 * seconds (default 12, Ethereum's), the service anchoring every ANCHOR_INTERVAL_MS (the block
 * time), under a sustained BENCH_RATE records/s (default 1,000) for BENCH_SECONDS (default 120).
 * The lag (age of the oldest record not yet anchored) is sampled every second; the goal is that
 * it stays bounded, within two intervals.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import autocannon from "autocannon";
import { startAnvil } from "../../test/support/anvil";
import { runBenchmark, withNotary } from "./harness";
import { report } from "./report";

const BLOCK_TIME = Number(process.env.BENCH_BLOCK_TIME ?? 12);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const INTERVAL_MS = BLOCK_TIME * 1_000;
const BODY = readFileSync(join(__dirname, "..", "..", "examples", "records", "commitment.json"));

runBenchmark(async () => {
  const anvil = await startAnvil({ blockTime: BLOCK_TIME });
  try {
    const operator = await anvil.fundedKey("100");
    const keyFile = join(
      await import("node:os").then((os) => os.tmpdir()),
      `bench-operator-${process.pid}.key`,
    );
    await writeFile(keyFile, operator.privateKey, { mode: 0o600 });
    await withNotary(
      {
        CHAIN_RPC_URL: anvil.rpcUrl,
        OPERATOR_KEY_FILE: keyFile,
        ANCHOR_INTERVAL_MS: String(INTERVAL_MS),
        BATCH_MAX_RECORDS: "100000",
        ANCHOR_WAIT_MS: String(INTERVAL_MS * 2),
      },
      async (notary) => {
        const lagOf = async () =>
          (
            (await (await fetch(`${notary.url}/v1/ledger`)).json()) as {
              anchoring: { lagSeconds: number; lagRecords: number };
            }
          ).anchoring;
        const samples: number[] = [];
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            samples.push((await lagOf()).lagSeconds);
            await new Promise((r) => setTimeout(r, 1_000));
          }
        })();
        const load = await autocannon({
          url: `${notary.url}/v1/records`,
          method: "POST",
          headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
          body: BODY,
          connections: 32,
          overallRate: RATE,
          duration: SECONDS,
        });
        const stoppedAt = Date.now();
        let drained = await lagOf();
        while (drained.lagRecords > 0 && Date.now() - stoppedAt < INTERVAL_MS * 5) {
          await new Promise((r) => setTimeout(r, 500));
          drained = await lagOf();
        }
        sampling = false;
        await sampler;
        const name = `anchoring, ${BLOCK_TIME} s blocks, ${RATE} records/s`;
        const accepted = load["2xx"];
        report({
          case: name,
          metric: `accepted over ${SECONDS} s (records/s)`,
          value: `${accepted} (${Math.round(accepted / SECONDS)})`,
          goal: String(RATE),
        });
        report({
          case: name,
          metric: "anchoring lag: max / median sampled (s)",
          value: `${Math.max(...samples).toFixed(1)} / ${median(samples).toFixed(1)}`,
          goal: `bounded, <= ${(2 * INTERVAL_MS) / 1000}`,
        });
        report({
          case: name,
          metric: "after the load: all anchored within (s)",
          value:
            drained.lagRecords === 0
              ? ((Date.now() - stoppedAt) / 1000).toFixed(1)
              : `not drained (${drained.lagRecords} waiting)`,
        });
      },
    );
  } finally {
    await anvil.close();
  }
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
