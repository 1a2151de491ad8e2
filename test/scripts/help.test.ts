import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...RUN_TYPESCRIPT, script, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every command a person runs answers --help, and refuses an option it does not know. */
describe("command-line tools: --help and unknown options", function () {
  this.timeout(120_000);
  const tools = [
    "scripts/keys.ts",
    "scripts/audit.ts",
    "scripts/gbt39550.ts",
    "scripts/verify.ts",
    "scripts/verify-export.ts",
    "service/main.ts",
  ];

  it("prints usage and exits 0 on --help, touching nothing; exits 2 with usage on an unknown option", async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), "help-")), "data");
    const env = { DATA_DIR: dataDir, LOG_LEVEL: "silent" };
    const results = await Promise.all(
      tools.flatMap((tool) => [
        run(tool, ["--help"], env).then((r) => ({ tool, arg: "--help", ...r })),
        run(tool, ["--no-such-option"], env).then((r) => ({ tool, arg: "bad", ...r })),
      ]),
    );
    for (const r of results) {
      if (r.arg === "--help") {
        expect(r.code, `${r.tool} --help: ${r.stderr}`).to.equal(0);
        expect(r.stdout, r.tool).to.match(/^usage: npm /);
      } else {
        expect(r.code, `${r.tool} --no-such-option: ${r.stderr}`).to.equal(2);
        expect(r.stderr, r.tool).to.include("no-such-option");
        expect(r.stderr, r.tool).to.match(/usage: npm /);
      }
    }
    // `npm start -- --help` made no data directory and deployed nothing.
    expect(await readdir(join(dataDir, "..")).catch(() => [])).to.deep.equal([]);
  });
});
