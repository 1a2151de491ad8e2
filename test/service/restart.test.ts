import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { EvidenceLedger__factory } from "../../typechain-types";
import type { AnchoredReceipt, Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { newDataDir, waitAnchored } from "../support/notary";
import { kill9, spawnNotary, type NotaryProcess } from "../support/notary-process";
import { checkAnchoredReceipt } from "../support/receipt-check";

async function submitMany(notary: NotaryProcess, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "a.txt", content: `file ${i} ${Math.random()}` },
    ]);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    ids.push((answer.body as { id: string }).id);
  }
  return ids;
}

/** Every accepted record anchored exactly once, seqs gap-free, the chain and the database agreeing. */
async function expectAllAnchoredOnce(
  notary: NotaryProcess,
  ids: readonly string[],
): Promise<AnchoredReceipt[]> {
  const receipts = await Promise.all(ids.map((id) => waitAnchored(notary.client, id, 30_000)));
  const provider = new JsonRpcProvider(notary.rpcUrl!, undefined, { staticNetwork: true });
  try {
    const { operator, contract } = receipts[0]!.anchor;
    const ledger = EvidenceLedger__factory.connect(contract, provider);
    const info = (await notary.client.get("/v1/ledger")).body as {
      nextSeq: number;
      batchCount: number;
      anchoredSeq: number;
    };
    expect(info.anchoredSeq, "every accepted record is anchored").to.equal(info.nextSeq);
    expect(Number(await ledger.nextSeqOf(operator))).to.equal(info.nextSeq);
    expect(Number(await ledger.batchCountOf(operator))).to.equal(info.batchCount);
    const events = await ledger.queryFilter(ledger.filters.BatchAnchored(operator));
    expect(events.map((e) => Number(e.args.batchIndex))).to.deep.equal(
      Array.from({ length: info.batchCount }, (_, i) => i),
    );
    const seqs = receipts.map((r) => r.record.seq);
    expect(new Set(seqs).size).to.equal(seqs.length);
    for (const r of receipts)
      expect(await checkAnchoredReceipt(r, provider), r.record.id).to.deep.equal([]);
    return receipts;
  } finally {
    provider.destroy();
  }
}

describe("restarts and crashes (separate processes)", function () {
  this.timeout(180_000);
  const running: NotaryProcess[] = [];
  const start = async (dir: string, env: Record<string, string> = {}) => {
    const notary = await spawnNotary(dir, env);
    running.push(notary);
    return notary;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map(kill9));
  });

  it("keeps old receipts verifiable and seq gap-free across a graceful restart", async () => {
    const dir = await newDataDir();
    const first = await start(dir);
    const ids = await submitMany(first, 3);
    const before = await Promise.all(ids.map((id) => waitAnchored(first.client, id)));
    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);

    const second = await start(dir);
    const later = await submitMany(second, 2);
    const receipts = await expectAllAnchoredOnce(second, [...ids, ...later]);
    expect(receipts.map((r) => r.record.seq)).to.deep.equal([0, 1, 2, 3, 4]);
    // The receipts issued before the restart verify, as they were, against the replayed chain.
    const provider = new JsonRpcProvider(second.rpcUrl!, undefined, { staticNetwork: true });
    for (const r of before) expect(await checkAnchoredReceipt(r, provider)).to.deep.equal([]);
    provider.destroy();
  });

  it("flushes the open batch on SIGTERM", async () => {
    const dir = await newDataDir();
    // A batch that would wait an hour: only the shutdown flush can anchor it.
    const first = await start(dir, { BATCH_MAX_WAIT_MS: "3600000" });
    const ids = await submitMany(first, 2);
    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);
    const again = await start(dir, { BATCH_MAX_WAIT_MS: "3600000" });
    const receipts = await Promise.all(
      ids.map((id) => again.client.get(`/v1/records/${id}/receipt`)),
    );
    expect(receipts.map((r) => (r.body as Receipt).status)).to.deep.equal(["anchored", "anchored"]);
  });

  for (const point of [
    "after-intake-commit",
    "after-batch-cut",
    "after-anchor-signed",
    "after-anchor-sent",
  ]) {
    it(`anchors every accepted record exactly once after kill -9 ${point.replace(/-/g, " ")}`, async () => {
      const dir = await newDataDir();
      const healthy = await start(dir);
      const ids = await submitMany(healthy, 2);
      await Promise.all(ids.map((id) => waitAnchored(healthy.client, id)));
      await kill9(healthy);

      const doomed = await start(dir, { NOTARY_FAILPOINTS: point });
      const answer = await doomed.client
        .postRecord(await exampleRecord("evidence"), [{ name: "b.txt", content: `crash ${point}` }])
        .catch(() => undefined);
      await doomed.exited;
      expect(doomed.child.signalCode).to.equal("SIGKILL");
      // At "after-intake-commit" the client never heard back, yet the record was committed.
      const acceptedId = (answer?.body as { id?: string } | undefined)?.id;

      const restarted = await start(dir);
      const later = await submitMany(restarted, 1);
      const receipts = await expectAllAnchoredOnce(restarted, [
        ...ids,
        ...(acceptedId ? [acceptedId] : []),
        ...later,
      ]);
      const info = (await restarted.client.get("/v1/ledger")).body as { nextSeq: number };
      expect(info.nextSeq).to.equal(4);
      expect(receipts.map((r) => r.record.seq).sort()).to.deep.equal(
        acceptedId ? [0, 1, 2, 3] : [0, 1, 3],
      );
    });
  }

  it("anchors every record accepted before a kill -9 during a burst of uploads", async () => {
    const dir = await newDataDir();
    const notary = await start(dir, { BATCH_MAX_RECORDS: "7" });
    const accepted: string[] = [];
    const uploads = Array.from({ length: 40 }, async (_, i) => {
      const answer = await notary.client
        .postRecord(await exampleRecord("evidence"), [{ name: "c.txt", content: `burst ${i}` }])
        .catch(() => undefined);
      if (answer?.status === 201) accepted.push((answer.body as { id: string }).id);
    });
    setTimeout(() => notary.child.kill("SIGKILL"), 150);
    await Promise.all(uploads);
    await notary.exited;

    const restarted = await start(dir, { BATCH_MAX_RECORDS: "7" });
    const info = (await restarted.client.get("/v1/ledger")).body as { nextSeq: number };
    expect(info.nextSeq).to.be.at.least(accepted.length);
    const later = await submitMany(restarted, 1);
    await expectAllAnchoredOnce(restarted, [...accepted, ...later]);
  });
});
