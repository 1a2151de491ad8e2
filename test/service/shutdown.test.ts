import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exampleRecord } from "../support/http-client";
import { newDataDir, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { serveHardhatChain, type RpcServer } from "../support/rpc-server";
import { stallingProxy, type StallingProxy } from "../support/stalling-proxy";

// Hardhat's third development account: public test data, funded on the Hardhat network.
const DEV_KEY_2 = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

describe("a bounded shutdown", function () {
  this.timeout(90_000);
  let chain: RpcServer;
  let proxy: StallingProxy;
  let restarted: TestNotary | undefined;

  before(async () => {
    chain = await serveHardhatChain();
    proxy = await stallingProxy(chain.url);
  });
  after(async () => {
    await restarted?.stop().catch(() => undefined);
    await proxy?.close();
    await chain?.close().catch(() => undefined);
  });

  it("ends within SHUTDOWN_TIMEOUT_MS with a backlog and a hanging chain; the next start anchors it all once", async () => {
    const dir = await newDataDir();
    const keyFile = join(dir, "operator.key");
    await writeFile(keyFile, DEV_KEY_2 + "\n", { mode: 0o600 });
    const env = {
      CHAIN_RPC_URL: proxy.url,
      OPERATOR_KEY_FILE: keyFile,
      BATCH_MAX_RECORDS: "1",
      SHUTDOWN_TIMEOUT_MS: "2000",
    };
    const notary = await startTestNotary(env, dir);
    const submit = async () => {
      const answer = await notary.client.postRecord(await exampleRecord("filing"));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return (answer.body as { id: string }).id;
    };
    const ids = [await submit()];
    await waitAnchored(notary.client, ids[0]!);

    proxy.stall();
    ids.push(...(await Promise.all(Array.from({ length: 8 }, submit))));
    await new Promise((r) => setTimeout(r, 500)); // one-record batches are cut meanwhile
    const started = Date.now();
    await notary.stop();
    const took = Date.now() - started;
    expect(took).to.be.below(3_000);

    // The chain answers again; what was held is delivered late, as after a network partition.
    proxy.resume();
    restarted = await startTestNotary(env, dir);
    const receipts = await Promise.all(
      ids.map((id) => waitAnchored(restarted!.client, id, 30_000)),
    );
    expect(receipts.map((r) => r.record.seq).sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: 9 }, (_, i) => i),
    );
    // Each one-record batch anchored exactly once: the chain's sequence ends where ours does.
    const ledger = (await restarted.client.get("/v1/ledger")).body as {
      nextSeq: number;
      anchoredSeq: number;
      batchCount: number;
    };
    expect(ledger).to.deep.include({ nextSeq: 9, anchoredSeq: 9, batchCount: 9 });
    expect(new Set(receipts.map((r) => r.anchor.batchIndex)).size).to.equal(9);
  });
});
