import { expect } from "chai";
import { JsonRpcProvider, parseEther, Wallet } from "ethers";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { connectEmbedded, EmbeddedChain } from "../../service/chain";
import { newDataDir } from "../support/notary";

const FUNDER = new Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

async function transfer(chain: EmbeddedChain, nonce: number, to: string): Promise<number> {
  const raw = await FUNDER.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce,
    to,
    value: parseEther("1"),
    gasLimit: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  });
  return chain.submit(raw);
}

async function blockHashes(chain: EmbeddedChain): Promise<string[]> {
  const latest = Number(await chain.provider.request({ method: "eth_blockNumber" }));
  const hashes: string[] = [];
  for (let n = 0; n <= latest; n++) {
    const block = (await chain.provider.request({
      method: "eth_getBlockByNumber",
      params: [`0x${n.toString(16)}`, false],
    })) as { hash: string };
    hashes.push(block.hash);
  }
  return hashes;
}

describe("EmbeddedChain", function () {
  this.timeout(60_000);

  it("mines one journaled block per submitted transaction", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    expect(await transfer(chain, 0, Wallet.createRandom().address)).to.equal(1);
    expect(await transfer(chain, 1, Wallet.createRandom().address)).to.equal(2);
    const lines = (await readFile(join(dir, "blocks.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { number: number }).number)).to.deep.equal([1, 2]);
  });

  it("reopens with every block hash identical, so old receipts still verify", async () => {
    const dir = await newDataDir();
    const first = await EmbeddedChain.open(dir);
    for (let i = 0; i < 5; i++) await transfer(first, i, Wallet.createRandom().address);
    const before = await blockHashes(first);
    const reopened = await EmbeddedChain.open(dir);
    expect(reopened.replayedBlocks).to.equal(5);
    expect(await blockHashes(reopened)).to.deep.equal(before);
    expect(await transfer(reopened, 5, Wallet.createRandom().address)).to.equal(6);
  });

  it("drops a torn last journal line (a crash mid-append) and keeps appending cleanly", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    await transfer(chain, 0, Wallet.createRandom().address);
    await appendFile(join(dir, "blocks.jsonl"), '{"number":2,"timest');
    const reopened = await EmbeddedChain.open(dir);
    expect(reopened.replayedBlocks).to.equal(1);
    await transfer(reopened, 1, Wallet.createRandom().address);
    expect((await EmbeddedChain.open(dir)).replayedBlocks).to.equal(2);
  });

  it("refuses an invalid transaction without journaling it", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    const broke = Wallet.createRandom();
    const raw = await broke.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce: 0,
      to: FUNDER.address,
      value: 1n,
      gasLimit: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    });
    await expect(chain.submit(raw)).to.be.rejected;
    expect((await EmbeddedChain.open(dir)).replayedBlocks).to.equal(0);
  });

  it("serves read methods over JSON-RPC and refuses state-changing ones", async () => {
    const connection = await connectEmbedded({
      dir: await newDataDir(),
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const provider = new JsonRpcProvider(connection.rpcUrl!, undefined, { staticNetwork: true });
      expect((await provider.getNetwork()).chainId).to.equal(31337n);
      expect(await provider.getBlockNumber()).to.equal(0);
      for (const method of [
        "evm_mine",
        "eth_sendTransaction",
        "hardhat_setBalance",
        "eth_sendRawTransaction",
      ]) {
        const answer = await fetch(connection.rpcUrl!, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
        });
        expect(((await answer.json()) as { error: { code: number } }).error.code, method).to.equal(
          -32601,
        );
      }
      provider.destroy();
    } finally {
      await connection.close();
    }
  });
});
