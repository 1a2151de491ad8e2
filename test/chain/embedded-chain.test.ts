import { expect } from "chai";
import { JsonRpcProvider, parseEther, Wallet } from "ethers";
import { appendFile, cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { connectEmbedded, EmbeddedChain } from "../../service/chain";
import { newDataDir } from "../support/notary";

const FUNDER = new Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

function signTransfer(nonce: number, to: string): Promise<string> {
  return FUNDER.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce,
    to,
    value: parseEther("1"),
    gasLimit: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
  });
}

async function transfer(chain: EmbeddedChain, nonce: number, to: string): Promise<number> {
  return chain.submit(await signTransfer(nonce, to));
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
    await chain.close();
  });

  it("reopens from its archive, replaying no block, with every block hash identical", async () => {
    const dir = await newDataDir();
    const first = await EmbeddedChain.open(dir);
    for (let i = 0; i < 5; i++) await transfer(first, i, Wallet.createRandom().address);
    const before = await blockHashes(first);
    await first.close();
    const reopened = await EmbeddedChain.open(dir);
    expect([reopened.replayedBlocks, reopened.forkedAt]).to.deep.equal([0, 5]);
    // Each start adds one empty block on top of the fork (see EmbeddedChain.open).
    expect((await blockHashes(reopened)).slice(0, 6)).to.deep.equal(before);
    expect(await transfer(reopened, 5, Wallet.createRandom().address)).to.equal(7);
    const extended = await blockHashes(reopened);
    await reopened.close();
    // Blocks mined after a fork link to the archived head and survive the next start too.
    const again = await EmbeddedChain.open(dir);
    expect(again.forkedAt).to.equal(7);
    expect((await blockHashes(again)).slice(0, 8)).to.deep.equal(extended);
    await again.close();
  });

  it("replays a journaled block a crash left unarchived, then archives it", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    await transfer(chain, 0, Wallet.createRandom().address);
    await chain.close();
    // The crash: journaled (fsynced) and never mined, so never archived.
    const raw = await signTransfer(1, Wallet.createRandom().address);
    const timestamp = Math.floor(Date.now() / 1000) + 5;
    await appendFile(
      join(dir, "blocks.jsonl"),
      JSON.stringify({ number: 2, timestamp, txs: [raw] }) + "\n",
    );
    const reopened = await EmbeddedChain.open(dir);
    expect([reopened.replayedBlocks, reopened.forkedAt]).to.deep.equal([1, 1]);
    const hashes = await blockHashes(reopened);
    expect(hashes).to.have.length(3);
    await reopened.close();
    const again = await EmbeddedChain.open(dir);
    expect([again.replayedBlocks, again.forkedAt]).to.deep.equal([0, 2]);
    expect((await blockHashes(again)).slice(0, 3)).to.deep.equal(hashes);
    await again.close();
  });

  it("drops a torn last journal line (a crash mid-append) and keeps appending cleanly", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    await transfer(chain, 0, Wallet.createRandom().address);
    await chain.close();
    await appendFile(join(dir, "blocks.jsonl"), '{"number":2,"timest');
    const reopened = await EmbeddedChain.open(dir);
    expect([reopened.replayedBlocks, reopened.forkedAt]).to.deep.equal([0, 1]);
    expect(await transfer(reopened, 1, Wallet.createRandom().address)).to.equal(3);
    await reopened.close();
    const again = await EmbeddedChain.open(dir);
    expect(again.forkedAt).to.equal(3);
    await again.close();
  });

  it("replays a journal from before the archive once, then opens from the archive", async () => {
    const dir = await newDataDir();
    await cp(join("test", "vectors", "v1", "chain"), dir, { recursive: true });
    const journaled = (await readFile(join(dir, "blocks.jsonl"), "utf8")).trim().split("\n").length;
    const migrated = await EmbeddedChain.open(dir);
    expect([migrated.replayedBlocks, migrated.forkedAt]).to.deep.equal([journaled, null]);
    const hashes = await blockHashes(migrated);
    await migrated.close();
    const reopened = await EmbeddedChain.open(dir);
    expect([reopened.replayedBlocks, reopened.forkedAt]).to.deep.equal([0, journaled]);
    expect((await blockHashes(reopened)).slice(0, journaled + 1)).to.deep.equal(hashes);
    await reopened.close();
  });

  it("opens read-only beside a running chain, writing nothing", async () => {
    const dir = await newDataDir();
    const chain = await EmbeddedChain.open(dir);
    await transfer(chain, 0, Wallet.createRandom().address);
    const hashes = await blockHashes(chain);
    const reader = await EmbeddedChain.open(dir, { readOnly: true });
    expect(reader.forkedAt).to.equal(1);
    expect((await blockHashes(reader)).slice(0, 2)).to.deep.equal(hashes);
    await expect(reader.submit("0x00")).to.be.rejected;
    await reader.close();
    expect(await transfer(chain, 1, Wallet.createRandom().address)).to.equal(2);
    await chain.close();
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
    await chain.close();
    const reopened = await EmbeddedChain.open(dir);
    expect(reopened.forkedAt).to.equal(null);
    await reopened.close();
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
