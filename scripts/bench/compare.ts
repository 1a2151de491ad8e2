/**
 * `npm run bench -- compare <ref>`: intake measured on a given commit and on the work tree side
 * by side, in one run, on this machine: A B A B, so a regression shows as a ratio, not against
 * a number from another day (machines of one kind differ up to 3× in speed).
 *
 * The commit is checked out in a worktree beside the system's temporary files and built there
 * (its own `npm ci` unless its lock file is this one's, then this tree's node_modules serve).
 * Each round starts both services afresh on empty data and drives each with autocannon:
 * 32 clients posting the evidence example as JSON for 10 s.
 */
import autocannon from "autocannon";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnNotary, type NotaryChild } from "../notary-process";
import { runBenchmark } from "./harness";
import { report } from "./report";

const ROOT = join(__dirname, "..", "..");
const CLIENTS = 32;
const SECONDS = Number(process.env.BENCH_COMPARE_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_COMPARE_ROUNDS ?? 3);

const sh = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });

/** A tree to run: built to dist/ (as `npm start` runs it now), or run from its sources. */
interface Tree {
  root: string;
  built: boolean;
}

/**
 * The commit in a worktree of its own, installed and built, reused while it exists. Older
 * commits had no build step and ran their sources with ts-node: they are run so.
 */
async function buildRef(ref: string): Promise<Tree> {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(tmpdir(), `notary-compare-${sha.slice(0, 12)}`);
  const ready = join(dir, ".compare-ready");
  if (!existsSync(ready)) {
    await rm(dir, { recursive: true, force: true });
    sh("git", ["worktree", "prune"], ROOT);
    sh("git", ["worktree", "add", "--detach", dir, sha], ROOT);
    const sameLock =
      (await readFile(join(dir, "package-lock.json"), "utf8")) ===
      (await readFile(join(ROOT, "package-lock.json"), "utf8"));
    if (sameLock) await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
    else sh("npm", ["ci", "--no-audit", "--no-fund"], dir);
    const scripts = (
      JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    sh("npm", ["run", scripts.build ? "build" : "compile"], dir);
    await writeFile(ready, sha);
  }
  return { root: dir, built: existsSync(join(dir, "dist", "service", "main.js")) };
}

async function load(tree: Tree, body: string): Promise<{ rate: number; p99: number }> {
  const data = await mkdtemp(join(tmpdir(), "bench-compare-"));
  let notary: NotaryChild | undefined;
  try {
    notary = await spawnNotary(join(data, "data"), {}, tree);
    const result = await autocannon({
      url: `${notary.url}/v1/records`,
      method: "POST",
      connections: CLIENTS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
      body,
    });
    if (result.non2xx + result.errors > 0)
      throw new Error(`${tree.root}: ${result.non2xx + result.errors} requests refused or failed`);
    return { rate: result.requests.total / SECONDS, p99: result.latency.p99 };
  } finally {
    notary?.child.kill("SIGKILL");
    await notary?.exited;
    await rm(data, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  if (!ref) throw new Error("usage: npm run bench -- compare <git ref>");
  sh("npm", ["run", "build"], ROOT);
  const other = await buildRef(ref);
  const body = await readFile(join(ROOT, "examples", "records", "evidence.json"), "utf8");
  const pairs: { here: { rate: number; p99: number }; there: { rate: number; p99: number } }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const there = await load(other, body);
    const here = await load({ root: ROOT, built: true }, body);
    pairs.push({ here, there });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rateRatio = median(pairs.map((p) => p.here.rate / p.there.rate));
  const p99Ratio = median(pairs.map((p) => p.here.p99 / Math.max(1, p.there.p99)));
  const list = (f: (p: (typeof pairs)[number]) => number, unit: string) =>
    pairs.map((p) => `${f(p).toFixed(0)}${unit}`).join(", ");
  report({
    case: `intake, work tree vs ${ref}`,
    metric: `records/s, ${CLIENTS} clients, ${SECONDS} s × ${ROUNDS} rounds (work tree | ${ref}), median ratio`,
    value: `${list((p) => p.here.rate, "")} | ${list((p) => p.there.rate, "")}; ×${rateRatio.toFixed(2)}`,
    goal: "ratio ≥ 0.95",
  });
  report({
    case: `intake, work tree vs ${ref}`,
    metric: `p99 latency (work tree | ${ref}), median ratio`,
    value: `${list((p) => p.here.p99, " ms")} | ${list((p) => p.there.p99, " ms")}; ×${p99Ratio.toFixed(2)}`,
    goal: "p99 < 50 ms",
  });
}

runBenchmark(main);
