import { expect } from "chai";
import { spawn } from "node:child_process";
import { Wallet } from "ethers";
import { access, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { kill9, spawnNotary } from "../support/notary-process";
import { newDataDir, startTestNotary } from "../support/notary";
import { startAnvil } from "../support/anvil";

const ROOT = join(__dirname, "..", "..");

/** Runs the built service as `npm start` does and collects what it prints until it exits. */
function runBuilt(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "dist", "service", "main.js")], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", CHAIN_PORT: "0", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a start that must be refused", function () {
  this.timeout(120_000);

  it("refuses a second service on a data directory in use, naming the holder, and takes it once the holder is killed", async () => {
    const dir = await newDataDir();
    const first = await spawnNotary(dir);
    const holder = first.child.pid!;
    const second = await runBuilt({ DATA_DIR: dir });
    expect(second.code).to.equal(2);
    const lines = second.output.trim().split("\n");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^DATA_DIR_LOCKED: /);
    expect(lines[0]).to.include(`process ${holder}`);

    // The lock is the kernel's: a holder killed with -9 leaves nothing that blocks the next start.
    await kill9(first);
    const next = await spawnNotary(dir);
    expect((await next.client.get("/healthz")).status).to.equal(200);
    next.child.kill("SIGTERM");
    expect(await next.exited).to.equal(0);
  });

  it("refuses an in-process second start on the same directory, and frees it on stop", async () => {
    const dir = await newDataDir();
    const first = await startTestNotary({}, dir);
    const refused = await startTestNotary({}, dir).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).to.equal("DATA_DIR_LOCKED");
    // The refused start closed what it opened, and left the holder serving.
    expect((await first.client.get("/healthz")).status).to.equal(200);
    await first.stop();
    const again = await startTestNotary({}, dir);
    await again.stop();
  });

  it("refuses a taken port with one line and exit 2, before creating anything on disk", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const envs: Record<string, string>[] = [{ PORT: String(port) }, { CHAIN_PORT: String(port) }];
      for (const env of envs) {
        const dir = join(await newDataDir(), "not-yet");
        const answer = await runBuilt({ DATA_DIR: dir, ...env });
        expect(answer.code).to.equal(2);
        expect(answer.output.trim().split("\n")).to.have.length(1);
        expect(answer.output).to.match(new RegExp(`^PORT_IN_USE: .*127\\.0\\.0\\.1:${port}`));
        expect(
          await access(dir).then(
            () => true,
            () => false,
          ),
        ).to.equal(false);
      }
    } finally {
      taken.close();
    }
  });

  it("refuses an unfunded operator on a real network with one line led by OPERATOR_UNFUNDED", async () => {
    const anvil = await startAnvil();
    try {
      const dir = await newDataDir();
      const keyFile = join(dir, "operator.key");
      await writeFile(keyFile, Wallet.createRandom().privateKey, { mode: 0o600 });
      const answer = await runBuilt({
        DATA_DIR: dir,
        CHAIN_RPC_URL: anvil.rpcUrl,
        OPERATOR_KEY_FILE: keyFile,
      });
      expect(answer.code).to.equal(2);
      expect(answer.output.trim().split("\n")).to.have.length(1);
      expect(answer.output).to.match(/^OPERATOR_UNFUNDED: /);
    } finally {
      await anvil.close();
    }
  });

  it("stops when a supervisor sends SIGTERM to the PID `npm start` gave it", async () => {
    const dir = await newDataDir();
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, PORT: "0", CHAIN_PORT: "0", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !/listening on/.test(output); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).to.match(/listening on/);
    // The service names its own PID beside its lock.
    const { pid } = JSON.parse(await readFile(join(dir, "notary.pid"), "utf8")) as { pid: number };
    expect(alive(pid)).to.equal(true);
    npm.kill("SIGTERM");
    await exited;
    for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid), `the service (pid ${pid}) outlived npm`).to.equal(false);
  });
});
