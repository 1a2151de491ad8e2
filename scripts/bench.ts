/**
 * Runs every benchmark case in its own process (so one case's memory never shows in
 * another's peak RSS) and prints one table. `npm run bench -- merkle` runs matching cases only.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { BenchRow } from "./bench/report";
import { RUN_TYPESCRIPT } from "./typescript";

/** `explicit`: run only when asked by name (`npm run bench -- cluster`): minutes, and a cluster. */
const CASES: { file: string; args?: string[]; explicit?: boolean }[] = [
  { file: "merkle-tree.ts" },
  { file: "merkle-tree.ts", args: ["--reference"] },
  { file: "contract-gas.ts" },
  { file: "service-intake.ts" },
  { file: "service-upload.ts" },
  { file: "large-ledger.ts" },
  { file: "chain-restart.ts" },
  { file: "anchoring-lag.ts" },
  { file: "tsa-token.ts" },
  { file: "court-bundle.ts" },
  { file: "disclosure.ts" },
  { file: "web-capture.ts" },
  { file: "cluster.ts", explicit: true },
];

function runCase(file: string, args: string[]): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...RUN_TYPESCRIPT, join(__dirname, "bench", file), ...args],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`benchmark ${file} exited with ${code}`));
      resolve(
        out
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as BenchRow),
      );
    });
  });
}

function printTable(rows: BenchRow[]): void {
  const header: BenchRow = { case: "case", metric: "metric", value: "value", goal: "goal" };
  const cells = (r: BenchRow) => [r.case, r.metric, r.value, r.goal ?? ""];
  const widths = cells(header).map((_, i) =>
    Math.max(...[header, ...rows].map((r) => cells(r)[i]!.length)),
  );
  const line = (r: BenchRow) =>
    `| ${cells(r)
      .map((c, i) => c.padEnd(widths[i]!))
      .join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  rows.forEach((r) => console.log(line(r)));
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const rows: BenchRow[] = [];
  // `compare <ref>`: intake on that commit and on the work tree, side by side.
  if (filter === "compare") {
    printTable(await runCase("compare.ts", process.argv.slice(3)));
    return;
  }
  for (const c of CASES) {
    if (filter ? !c.file.includes(filter) : c.explicit) continue;
    rows.push(...(await runCase(c.file, c.args ?? [])));
  }
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
