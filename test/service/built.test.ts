import { expect } from "chai";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { spawnNotary, type NotaryChild } from "../../scripts/notary-process";
import { prebuiltScript } from "../../service/browser-bundle";
import { exampleRecord } from "../support/http-client";
import { newDataDir } from "../support/notary";
import { startAnvil } from "../support/anvil";

/** The service as `npm start` runs it: compiled JavaScript from dist/, no TypeScript loader, page prebuilt. */
describe("the built service (npm run build, npm start)", function () {
  this.timeout(60_000);
  let notary: NotaryChild;
  const MAIN = join(__dirname, "..", "..", "dist", "service", "main.js");

  before(async function () {
    expect(existsSync(MAIN), "npm run build makes dist/ (npm test runs it first)").to.equal(true);
    notary = await spawnNotary(await newDataDir(), {}, { built: true });
  });
  after(async () => {
    notary?.child.kill("SIGTERM");
    await notary?.exited;
  });

  it("runs compiled, takes a record in and anchors it", async () => {
    expect(notary.child.spawnargs.join(" ")).to.not.match(/ts-node|tsx/);
    const response = await fetch(`${notary.url}/v1/records`, {
      method: "POST",
      headers: { authorization: `Bearer ${notary.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(await exampleRecord("filing")),
    });
    expect(response.status).to.equal(201);
    const { id } = (await response.json()) as { id: string };
    for (let i = 0; i < 100; i++) {
      const receipt = (await (
        await fetch(`${notary.url}/v1/records/${id}/receipt`, {
          headers: { authorization: `Bearer ${notary.apiKey}` },
        })
      ).json()) as { status: string };
      if (receipt.status === "anchored") return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("not anchored");
  });

  it("serves the verification page's script bundled at build time, and its OpenAPI examples", async () => {
    const served = await (await fetch(`${notary.url}/verify/app.js`)).text();
    expect(served).to.equal(await readFile(prebuiltScript("verify-page"), "utf8"));
    const doc = (await (await fetch(`${notary.url}/v1/openapi.json`)).json()) as object;
    expect(JSON.stringify(doc)).to.include("CASE-2026-0042");
  });

  it("runs on an external chain with no devDependency installed (npm ci --omit=dev)", async () => {
    const anvil = await startAnvil();
    const dir = await newDataDir();
    const operator = await anvil.fundedKey();
    await writeFile(join(dir, "operator.key"), operator.privateKey, { mode: 0o600 });
    const lean = await spawnNotary(
      dir,
      { CHAIN_RPC_URL: anvil.rpcUrl, OPERATOR_KEY_FILE: join(dir, "operator.key") },
      {
        built: true,
        nodeArgs: ["-r", join(__dirname, "..", "support", "without-dev-dependencies.js")],
      },
    );
    try {
      const response = await fetch(`${lean.url}/v1/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${lean.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(await exampleRecord("filing")),
      });
      expect(response.status, lean.output()).to.equal(201);
      expect((await fetch(`${lean.url}/readyz`)).status).to.equal(200);
    } finally {
      lean.child.kill("SIGTERM");
      await lean.exited;
      await anvil.close();
    }
  });
});
