import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Wallet } from "ethers";
import { Anchorer, deployLedgerSigned, LedgerChain } from "../../service/anchoring";
import { LedgerStore, openDatabase, type OpenedDatabase } from "../../service/storage";
import { newDataDir } from "../support/notary";
import { startAnvil, type TestAnvil } from "../support/anvil";

/**
 * The Anchorer against a real node (anvil) and a real SQLite store, one fresh ledger per test:
 * the orders, nonces and invariants it must keep, each forced on purpose.
 */
describe("Anchorer", function () {
  this.timeout(60_000);
  let anvil: TestAnvil;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => anvil?.close());

  interface Ledger {
    store: LedgerStore;
    opened: OpenedDatabase;
    chain: LedgerChain;
    operator: Wallet;
    anchorer: Anchorer;
    /** Cuts a batch of `count` records after the last one, with a random root. */
    cut(count: number): Promise<{ batchIndex: number; firstSeq: number; root: string }>;
  }
  const ledgers: Ledger[] = [];
  afterEach(async () => {
    for (const l of ledgers.splice(0)) await l.opened.db.destroy();
    await anvil.rpc("evm_setAutomine", [true]);
  });

  async function ledger(): Promise<Ledger> {
    const operator = await anvil.fundedKey();
    const broadcast = async (raw: string) => void (await anvil.provider.broadcastTransaction(raw));
    const deployment = await deployLedgerSigned(operator, anvil.provider, broadcast);
    const chain = new LedgerChain(anvil.provider, operator, deployment.address, 31337n, broadcast);
    const opened = await openDatabase({ sqliteFile: join(await newDataDir(), "ledger.sqlite") });
    const store = new LedgerStore(opened.db, opened.flushCommits);
    const anchorer = new Anchorer(store, chain, { confirmations: 1, mineTimeoutMs: 1_000 });
    let next = { batchIndex: 0, firstSeq: 0 };
    const l: Ledger = {
      store,
      opened,
      chain,
      operator,
      anchorer,
      cut: async (count) => {
        const batch = { ...next, root: randomBytes(32).toString("hex") };
        await store.transaction((tx) =>
          store.insertBatch(tx, {
            batch_index: batch.batchIndex,
            first_seq: batch.firstSeq,
            count,
            root: batch.root,
            cut_at: new Date().toISOString(),
            operator: operator.address,
          }),
        );
        next = { batchIndex: next.batchIndex + 1, firstSeq: next.firstSeq + count };
        return batch;
      },
    };
    ledgers.push(l);
    return l;
  }

  /** Anchors a batch straight from the operator's key, as another ledger on the same key would. */
  async function anchorDirectly(l: Ledger, root: string, firstSeq: number, count: number) {
    const signed = await l.chain.signAnchor(`0x${root}`, firstSeq, count, {
      nonce: await l.chain.transactionCount("pending"),
    });
    await l.chain.broadcast(signed.rawTx);
    await l.chain.waitMined(signed.txHash, 1, 10_000);
  }

  const errorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );

  it("anchors every waiting batch in order, sent together, each once", async () => {
    const l = await ledger();
    await anvil.rpc("evm_setAutomine", [false]);
    const batches = [await l.cut(3), await l.cut(1), await l.cut(5)];
    const mined = await l.chain.transactionCount("latest");
    const pass = l.anchorer.anchorPending();
    // All three are in the node's pool before one block is mined.
    for (let i = 0; i < 100 && (await l.chain.transactionCount("pending")) < mined + 3; i++)
      await new Promise((r) => setTimeout(r, 20));
    await anvil.rpc("evm_mine", []);
    const anchored = await pass;
    expect(anchored.map((b) => b.batch_index)).to.deep.equal([0, 1, 2]);
    const stored = await Promise.all(batches.map((b) => l.store.getBatch(b.batchIndex)));
    expect(new Set(stored.map((b) => b!.block_number)).size).to.equal(1);
    expect(Number(await l.chain.contract.batchCountOf(l.operator.address))).to.equal(3);
    for (const b of batches) {
      const onChain = await l.chain.contract.batchOf(l.operator.address, b.batchIndex);
      expect(onChain.root).to.equal(`0x${b.root}`);
    }
  });

  it("refuses to go on when the chain's sequence is not its own: ANCHOR_SEQUENCE_DIVERGED", async () => {
    const l = await ledger();
    await l.cut(3);
    await anchorDirectly(l, randomBytes(32).toString("hex"), 0, 2);
    const error = await errorOf(l.anchorer.anchorPending());
    expect(error?.code).to.equal("ANCHOR_SEQUENCE_DIVERGED");
  });

  it("refuses to mark anchored a batch the chain holds with another root: ANCHOR_MISMATCH", async () => {
    const l = await ledger();
    await l.cut(3);
    await anchorDirectly(l, randomBytes(32).toString("hex"), 0, 3);
    const error = await errorOf(l.anchorer.anchorPending());
    expect(error?.code).to.equal("ANCHOR_MISMATCH");
    expect((await l.store.getBatch(0))!.status).to.not.equal("anchored");
  });

  it("signs again, with the next nonce, a stored transaction whose nonce went to another", async () => {
    const l = await ledger();
    const batch = await l.cut(2);
    // A transaction stored but never sent (a crash between the two)...
    const nonce = await l.chain.transactionCount("latest");
    const stored = await l.chain.signAnchor(`0x${batch.root}`, 0, 2, { nonce });
    await l.store.markSent(0, {
      tx_hash: stored.txHash,
      raw_tx: stored.rawTx,
      nonce,
      sent_at: new Date().toISOString(),
    });
    // ...and its nonce taken by another transaction of the operator's key.
    const other = await l.operator.sendTransaction({ to: l.operator.address, value: 1n, nonce });
    await other.wait();
    const anchored = await l.anchorer.anchorPending();
    expect(anchored.map((b) => b.batch_index)).to.deep.equal([0]);
    const row = (await l.store.getBatch(0))!;
    expect(row.tx_hash).to.not.equal(stored.txHash);
    expect(row.nonce).to.equal(nonce + 1);
    expect(await anvil.provider.getTransactionReceipt(stored.txHash)).to.equal(null);
  });

  it("sends a stored transaction again, the node's 'already known' being no error", async () => {
    const l = await ledger();
    await l.cut(4);
    await anvil.rpc("evm_setAutomine", [false]);
    expect(await l.anchorer.anchorPending()).to.deep.equal([]); // sent, not mined in time
    const sent = (await l.store.getBatch(0))!;
    expect(sent.status).to.equal("sent");
    expect(await l.anchorer.anchorPending()).to.deep.equal([]); // the same bytes, again
    expect((await l.store.getBatch(0))!.tx_hash).to.equal(sent.tx_hash);
    await anvil.rpc("evm_setAutomine", [true]);
    await anvil.rpc("evm_mine", []);
    const anchored = await l.anchorer.anchorPending();
    expect(anchored.map((b) => b.batch_index)).to.deep.equal([0]);
    expect((await l.store.getBatch(0))!.tx_hash).to.equal(sent.tx_hash);
  });
});
