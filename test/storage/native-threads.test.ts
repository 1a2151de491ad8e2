import { expect } from "chai";
import { buildSync } from "esbuild";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The children run bundled, as plain JavaScript: no TypeScript loader in the way of their
// threads (workers inherit execArgv), and dozens of starts cost only plain node starts.
const SUPPORT = join(__dirname, "../support");
const NODE_MODULES = join(__dirname, "../../node_modules");

describe("native threads (WAL checkpointer, signer)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "native-threads-"));
    buildSync({
      entryPoints: [
        join(SUPPORT, "native-thread-churn.ts"),
        join(SUPPORT, "native-thread-exit.ts"),
        join(SUPPORT, "native-thread-failure.ts"),
      ],
      bundle: true,
      platform: "node",
      target: "node20",
      outdir: dir,
      external: ["libsql", "secp256k1"],
      logLevel: "warning",
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (script: string, arg: string) =>
    spawnSync(process.execPath, [join(dir, script), arg], {
      encoding: "utf8",
      timeout: 110_000,
      env: { ...process.env, NODE_PATH: NODE_MODULES },
    });

  it("stop at any moment, opening connections or signing, without aborting the process", function () {
    this.timeout(120_000);
    const child = run("native-thread-churn.js", "60");
    expect({ status: child.status, signal: child.signal, out: child.stdout }).to.deep.equal({
      status: 0,
      signal: null,
      out: "stopped 60, signed 60000\n",
    });
  });

  it("let the process exit at any moment, checkpointing and signing, without aborting it", async function () {
    this.timeout(120_000);
    // Before NativeThread, 16 of 40 such exits aborted here (SIGABRT).
    const exits: (string | number | null)[] = [];
    const one = () =>
      new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [join(dir, "native-thread-exit.js"), "80"], {
          env: { ...process.env, NODE_PATH: NODE_MODULES },
          stdio: "ignore",
        });
        child.on("exit", (code, signal) => (exits.push(signal ?? code), resolve()));
      });
    for (let round = 0; round < 6; round++) await Promise.all([one(), one(), one(), one()]);
    expect(exits).to.deep.equal(Array(24).fill(0));
  });

  it("report a thread that fails to its owner, and do not hold the exit for it", function () {
    this.timeout(60_000);
    const child = run("native-thread-failure.js", "");
    expect([child.status, child.signal, child.stderr]).to.deep.equal([0, null, ""]);
    const [heard, exit = ""] = child.stdout.trim().split("\n");
    expect(heard).to.match(/^heard: .*Unable to open connection to local database/);
    // Waiting for a thread that had failed held the exit for its full 5 s.
    const waited = Number(/^exit waited (\d+) ms$/.exec(exit)?.[1] ?? NaN);
    expect(waited).to.be.below(2_500);
  });
});
