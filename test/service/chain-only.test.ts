import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { exampleRecord } from "../support/http-client";
import { newDataDir, waitAnchored } from "../support/notary";
import { kill9, spawnNotary } from "../support/notary-process";
import { checkAnchoredReceipt } from "../support/receipt-check";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

describe("npm run chain, and what the service leaves on disk and in its logs", function () {
  this.timeout(90_000);

  it("serves the persisted chain alone, and the receipts verify against it while the service is down", async () => {
    const dir = await newDataDir();
    const notary = await spawnNotary(dir, { LOG_LEVEL: "info" });
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "e.txt", content: "chain only" },
    ]);
    const receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
    const forgedKey = `enk_${"f".repeat(32)}`;
    expect((await notary.client.withKey(forgedKey).get("/v1/records/x")).status).to.equal(401);
    expect((await notary.client.get("/v1/exports")).status).to.equal(403);
    expect((await notary.client.get("/v1/me?code=secret")).status).to.equal(200);
    notary.child.kill("SIGTERM");
    await notary.exited;

    // Secrets never reach the logs: not the API key, not the operator's private key.
    const operatorKey = (await readFile(join(dir, "keys", "operator.key"), "utf8")).trim();
    expect(notary.output()).not.to.include(notary.apiKey);
    expect(notary.output()).not.to.include(operatorKey.slice(2));
    expect(notary.output()).not.to.include(forgedKey);
    // Refused access is logged, naming the key and role that were refused, not their secrets.
    const refusals = notary
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"access refused"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refusals.map(({ code, path, role }) => ({ code, path, role }))).to.deep.equal([
      { code: "AUTH_INVALID", path: "/v1/records/x", role: undefined },
      { code: "FORBIDDEN_ROLE", path: "/v1/exports", role: "platform" },
    ]);
    expect(refusals[1]).to.have.property("key").that.is.a("string");
    // Each request's line names the path asked for, from the root, and never its query.
    const requests = notary
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"request"'))
      .map((line) => (JSON.parse(line) as { path: string }).path);
    expect(requests).to.include.members(["/v1/records/x", "/v1/exports", "/v1/me"]);
    expect(notary.output()).not.to.include("code=secret");
    expect(notary.output()).to.include('"msg":"evidence notary started"');

    const chain = spawn(process.execPath, [...RUN_TYPESCRIPT, "service/chain-main.ts"], {
      env: { ...process.env, DATA_DIR: dir, CHAIN_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let output = "";
      chain.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      while (!/served at (http:\/\/\S+)/.test(output)) {
        if (chain.exitCode !== null) throw new Error(output);
        await new Promise((r) => setTimeout(r, 50));
      }
      const rpcUrl = output.match(/served at (http:\/\/\S+)/)![1]!;
      const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
      expect(await checkAnchoredReceipt(receipt, provider)).to.deep.equal([]);
      provider.destroy();

      // The CLI needs nothing but the RPC; two endpoints cross-check each other.
      await writeFile(join(dir, "receipt.json"), JSON.stringify(receipt));
      await writeFile(join(dir, "e.txt"), "chain only");
      const args = [
        ...RUN_TYPESCRIPT,
        "scripts/verify.ts",
        "--receipt",
        join(dir, "receipt.json"),
        "--file",
        join(dir, "e.txt"),
        "--rpc",
        rpcUrl,
        "--rpc",
        rpcUrl,
      ];
      const { stdout } = await promisify(execFile)(process.execPath, args);
      expect(stdout).to.include(`VALID: integrity of record ${receipt.record.id}`);
    } finally {
      chain.kill("SIGKILL");
    }
  });

  it("sweeps temporary files a crashed upload or export left behind", async () => {
    const dir = await newDataDir();
    const first = await spawnNotary(dir);
    await kill9(first);
    const leftover = join(dir, "files", "tmp", "123-crashed.part");
    await writeFile(leftover, "half an upload");
    const scratch = join(dir, "files", "tmp", "export-crashed");
    await mkdir(scratch);
    await writeFile(join(scratch, "3-notices.csv"), "half an export");
    const second = await spawnNotary(dir);
    try {
      await expect(readFile(leftover)).to.be.rejectedWith(/ENOENT/);
      await expect(readdir(scratch)).to.be.rejectedWith(/ENOENT/);
    } finally {
      await kill9(second);
    }
  });

  it("deletes the content of an upload a crash cut short before its record committed", async () => {
    const dir = await newDataDir();
    const content = "stored, then the power went";
    const sha256 = createHash("sha256").update(content).digest("hex");
    const stored = join(dir, "files", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    const doomed = await spawnNotary(dir, { NOTARY_FAILPOINTS: "after-file-stored" });
    await doomed.client
      .postRecord(await exampleRecord("evidence"), [{ name: "p.txt", content }])
      .catch(() => undefined);
    await doomed.exited;
    expect(doomed.child.signalCode).to.equal("SIGKILL");
    expect(await readFile(stored, "utf8")).to.equal(content); // on disk, no record names it

    const restarted = await spawnNotary(dir);
    try {
      await expect(readFile(stored)).to.be.rejectedWith(/ENOENT/);
      expect(await readdir(join(dir, "files", "held"))).to.deep.equal([]);
      // The same content sent again is stored again and served with its record.
      const answer = await restarted.client.postRecord(await exampleRecord("evidence"), [
        { name: "p.txt", content },
      ]);
      expect(answer.status).to.equal(201);
      const id = (answer.body as { id: string }).id;
      const file = await restarted.client.getBytes(`/v1/records/${id}/files/${sha256}`);
      expect(Buffer.from(file.bytes).toString()).to.equal(content);
    } finally {
      await kill9(restarted);
    }
  });

  it("refuses to start, naming the variable, when the configuration is bad", async () => {
    const dir = await newDataDir();
    await expect(spawnNotary(dir, { BATCH_MAX_RECORDS: "many" })).to.be.rejectedWith(
      /BATCH_MAX_RECORDS/,
    );
  });
});
