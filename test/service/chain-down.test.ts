import { expect } from "chai";
import { Wallet } from "ethers";
import hre from "hardhat";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { newDataDir, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { checkAnchoredReceipt } from "../support/receipt-check";
import { serveHardhatChain, type RpcServer } from "../support/rpc-server";

// Hardhat's second development account: public test data, funded on the Hardhat network.
const DEV_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("an external chain that goes down", function () {
  this.timeout(90_000);
  let chain: RpcServer;
  let notary: TestNotary;

  before(async () => {
    chain = await serveHardhatChain();
    const dir = await newDataDir();
    const keyFile = join(dir, "operator.key");
    await writeFile(keyFile, DEV_KEY_1 + "\n", { mode: 0o600 });
    notary = await startTestNotary({ CHAIN_RPC_URL: chain.url, OPERATOR_KEY_FILE: keyFile }, dir);
  });
  after(async () => {
    await notary?.stop().catch(() => undefined);
    await chain?.close().catch(() => undefined);
  });

  const submit = async () => {
    const answer = await notary.client.postRecord(await exampleRecord("filing"));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return (answer.body as { id: string }).id;
  };

  it("keeps accepting records while the chain is down, reports the lag, and catches up", async () => {
    const first = await submit();
    await waitAnchored(notary.client, first);

    await chain.close();
    // Readiness tells at once, not only once an anchoring step has failed.
    const atOnce = (await notary.client.get("/readyz")).body as { status: string; chain: string };
    expect([atOnce.status, atOnce.chain]).to.deep.equal(["degraded", "unreachable"]);
    const waiting = [await submit(), await submit(), await submit()];
    await new Promise((r) => setTimeout(r, 1_500));
    for (const id of waiting) {
      expect(
        ((await notary.client.get(`/v1/records/${id}/receipt`)).body as Receipt).status,
      ).to.equal("pending");
    }
    const ready = (await notary.client.get("/readyz")).body as {
      status: string;
      anchoring: { lagRecords: number; consecutiveFailures: number };
    };
    expect(ready.status).to.equal("degraded");
    expect(ready.anchoring.lagRecords).to.equal(3);
    expect(ready.anchoring.consecutiveFailures).to.be.greaterThan(0);
    const ledger = (await notary.client.get("/v1/ledger")).body as {
      anchoring: { lastError: string | null; lagSeconds: number };
    };
    expect(ledger.anchoring.lastError).to.be.a("string");
    expect(ledger.anchoring.lagSeconds).to.be.greaterThan(1);

    chain = await serveHardhatChain(Number(new URL(chain.url).port));
    const receipts = await Promise.all(
      waiting.map((id) => waitAnchored(notary.client, id, 60_000)),
    );
    for (const r of receipts)
      expect(await checkAnchoredReceipt(r, notary.chain.provider)).to.deep.equal([]);
    expect(((await notary.client.get("/readyz")).body as { status: string }).status).to.equal("ok");
    // Recovered: the outage's error is history, not state.
    const after = (await notary.client.get("/v1/ledger")).body as {
      anchoring: { lastError: string | null; consecutiveFailures: number };
    };
    expect(after.anchoring).to.include({ lastError: null, consecutiveFailures: 0 });
  });

  it("refuses to start on an unfunded operator key, naming the address and the cost", async () => {
    const dir = await newDataDir();
    const keyFile = join(dir, "unfunded.key");
    const unfunded = Wallet.createRandom();
    await writeFile(keyFile, unfunded.privateKey + "\n", { mode: 0o600 });
    const refused = await startTestNotary(
      { CHAIN_RPC_URL: chain.url, OPERATOR_KEY_FILE: keyFile },
      dir,
    ).then(
      (n) => n.stop().then(() => undefined),
      (error: unknown) => error as { code: string; message: string },
    );
    expect(refused?.code).to.equal("OPERATOR_UNFUNDED");
    expect(refused?.message).to.include(unfunded.address).and.include("gwei");
    expect(refused!.message.length).to.be.below(400);
  });

  it("stops anchoring with LEDGER_CONTRACT_MISSING when the chain loses the contract, and keeps accepting", async () => {
    const dir = await newDataDir();
    const keyFile = join(dir, "operator.key");
    // Hardhat's fourth development account: public test data.
    await writeFile(
      keyFile,
      "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6\n",
      { mode: 0o600 },
    );
    const reset = await startTestNotary(
      { CHAIN_RPC_URL: chain.url, OPERATOR_KEY_FILE: keyFile },
      dir,
    );
    try {
      const first = await reset.client.postRecord(await exampleRecord("filing"));
      await waitAnchored(reset.client, (first.body as { id: string }).id);
      // As after a reset of a development chain: the address holds no code any more.
      await hre.network.provider.request({
        method: "hardhat_setCode",
        params: [reset.binding.contract, "0x"],
      });
      const later = await reset.client.postRecord(await exampleRecord("filing"));
      expect(later.status).to.equal(201);
      let code: string | null = null;
      for (let i = 0; i < 100 && code === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        code = (
          (await reset.client.get("/v1/ledger")).body as {
            anchoring: { lastErrorCode: string | null };
          }
        ).anchoring.lastErrorCode;
      }
      expect(code).to.equal("LEDGER_CONTRACT_MISSING");
      const ready = await reset.client.get("/readyz");
      expect(ready.status).to.equal(503);
      expect((await reset.client.postRecord(await exampleRecord("filing"))).status).to.equal(201);
    } finally {
      await reset.stop();
    }
  });
});
