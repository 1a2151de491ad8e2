import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { EvidenceLedger__factory } from "../../typechain-types";
import type { AnchoredReceipt } from "../../service/receipts";
import { exampleRecord } from "./http-client";
import { waitAnchored } from "./notary";
import { kill9, spawnNotary, type NotaryProcess } from "./notary-process";
import { checkAnchoredReceipt } from "./receipt-check";

export async function submitMany(notary: NotaryProcess, count: number): Promise<string[]> {
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
export async function expectAllAnchoredOnce(
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

/** Service processes started by a test, killed after each. */
export function processes(): {
  start: (dir: string, env?: Record<string, string>) => Promise<NotaryProcess>;
} {
  const running: NotaryProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(kill9));
  });
  return {
    start: async (dir, env = {}) => {
      const notary = await spawnNotary(dir, env);
      running.push(notary);
      return notary;
    },
  };
}
