import { expect } from "chai";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import hre from "hardhat";
import { deployLedgerSigned, LedgerChain } from "../../service/anchoring";
import { rangeLimitedProxy, type RangeLimitedProxy } from "../support/range-limited-proxy";
import { serveHardhatChain, type RpcServer } from "../support/rpc-server";

// Hardhat's fifth development account: public test data, funded on the Hardhat network.
const DEV_KEY_4 = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";

describe("LedgerChain against an RPC that limits log ranges", function () {
  this.timeout(120_000);
  let chain: RpcServer;
  let proxy: RangeLimitedProxy;
  let provider: JsonRpcProvider;
  let txHash: string;
  const operator = new Wallet(DEV_KEY_4);
  let ledger: (maxLogRange: number) => LedgerChain;

  before(async () => {
    chain = await serveHardhatChain();
    proxy = await rangeLimitedProxy(chain.url, 5_000);
    const network = Network.from(31337n);
    provider = new JsonRpcProvider(proxy.url, network, { staticNetwork: network });
    const broadcast = async (raw: string) => void (await provider.broadcastTransaction(raw));
    const deployment = await deployLedgerSigned(operator.connect(provider), provider, broadcast);
    // 20,000 blocks between the deployment and the anchor.
    await hre.network.provider.request({ method: "hardhat_mine", params: ["0x4e20"] });
    ledger = (maxLogRange) =>
      new LedgerChain(provider, operator, deployment.address, 31337n, broadcast, maxLogRange);
    const signed = await ledger(5_000).signAnchor(`0x${"ab".repeat(32)}`, 0, 1, {
      nonce: await provider.getTransactionCount(operator.address, "latest"),
    });
    await broadcast(signed.rawTx);
    // Not waitForTransaction: ethers would replay a "block" event for each of 20,000 blocks.
    while (!(await provider.getTransactionReceipt(signed.txHash)))
      await new Promise((r) => setTimeout(r, 50));
    txHash = signed.txHash;
    // Past ethers' 250 ms request cache, so "latest" is the anchor's block.
    await new Promise((r) => setTimeout(r, 500));
  });
  after(async () => {
    provider?.destroy();
    await proxy?.close();
    await chain?.close();
  });

  it("finds an anchor by its stored transaction without searching logs", async () => {
    proxy.logRanges.length = 0;
    const found = await ledger(5_000).findAnchoring(0, { fromBlock: 0, txHash });
    expect(found).to.include({ batchIndex: 0, txHash, firstSeq: 0, count: 1 });
    expect(proxy.logRanges).to.deep.equal([]);
  });

  it("searches logs in windows the RPC accepts when no transaction is stored", async () => {
    proxy.logRanges.length = 0;
    const found = await ledger(5_000).findAnchoring(0, { fromBlock: 0 });
    expect(found).to.include({ batchIndex: 0, txHash });
    expect(proxy.logRanges.length).to.be.greaterThan(3);
    expect(Math.max(...proxy.logRanges)).to.be.at.most(5_000);
  });

  it("is refused by the RPC with wider windows (the limit this guards against)", async () => {
    await expect(ledger(50_000).findAnchoring(0, { fromBlock: 0 })).to.be.rejected;
  });
});
