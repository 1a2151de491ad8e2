import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { Batcher } from "../../service/batching";
import { makeTree, rootOf } from "../../service/merkle";
import {
  LedgerStore,
  openDatabase,
  type BatchCutLog,
  type NewRecordRow,
  type OpenedDatabase,
} from "../../service/storage";
import { newDataDir } from "../support/notary";

/** The Batcher against a real SQLite store: when it cuts, what it cuts, and what it never skips. */
describe("Batcher", () => {
  let opened: OpenedDatabase;
  let store: LedgerStore;
  const T0 = Date.parse("2026-11-28T00:00:00.000Z");

  beforeEach(async () => {
    opened = await openDatabase({ sqliteFile: join(await newDataDir(), "ledger.sqlite") });
    store = new LedgerStore(opened.db, opened.flushCommits);
  });
  afterEach(async () => opened.db.destroy());

  const row = (seq: number, receivedAt: number): NewRecordRow => {
    const id = randomUUID();
    return {
      record: {
        id,
        seq,
        kind: "filing",
        received_at: new Date(receivedAt).toISOString(),
        submitter_key: "k",
        canonical: JSON.stringify({ id, seq }),
        leaf_hash: randomBytes(32).toString("hex"),
        signature: "0x00",
        anchor_deadline: new Date(receivedAt).toISOString(),
        intake_statement: 2,
      },
      files: [],
      links: [],
    };
  };
  /** Commits records with these seqs of a reservation of `reserve` (a gap where one is left out). */
  const commit = (reserve: number, seqs: number[], receivedAt = T0) =>
    store.transaction(async (tx) => {
      const first = await store.reserveSeqs(tx, reserve);
      const rows = seqs.map((s) => row(first + s, receivedAt));
      await store.insertRecords(tx, rows);
      return rows;
    });

  it("cuts when the oldest record has waited long enough, or enough records wait, not before", async () => {
    const batcher = new Batcher(store, "0xop", { maxRecords: 5, maxWaitMs: 2_000 });
    await commit(3, [0, 1, 2]);
    expect(await batcher.cutIfDue({ now: T0 + 1_999 })).to.equal(undefined);
    const byTime = await batcher.cutIfDue({ now: T0 + 2_000 });
    expect([byTime?.first_seq, byTime?.count, byTime?.status]).to.deep.equal([0, 3, "cut"]);
    await commit(7, [0, 1, 2, 3, 4, 5, 6]);
    const bySize = await batcher.cutIfDue({ now: T0 });
    expect([bySize?.batch_index, bySize?.first_seq, bySize?.count]).to.deep.equal([1, 3, 5]);
    expect(await batcher.cutIfDue({ now: T0 })).to.equal(undefined); // 2 wait, not yet due
    const flushed = await batcher.flush();
    expect(flushed.map((b) => [b.first_seq, b.count])).to.deep.equal([[8, 2]]);
  });

  it("stores the root of the batch's leaves in seq order", async () => {
    const batcher = new Batcher(store, "0xop", { maxRecords: 100, maxWaitMs: 0 });
    const rows = await commit(4, [0, 1, 2, 3]);
    const batch = await batcher.cutIfDue({ now: T0 });
    const expected = rootOf(makeTree(rows.map((r) => Buffer.from(r.record.leaf_hash, "hex"))));
    expect(batch?.root).to.equal(Buffer.from(expected).toString("hex"));
  });

  it("never cuts across a seq not yet committed: the batch stops before the gap", async () => {
    const batcher = new Batcher(store, "0xop", { maxRecords: 100, maxWaitMs: 0 });
    // Seq 2 is reserved by a transaction still open elsewhere: 0, 1 and 3 are committed.
    await commit(4, [0, 1, 3]);
    const batch = await batcher.cutIfDue({ now: T0 });
    expect([batch?.first_seq, batch?.count]).to.deep.equal([0, 2]);
    expect(await batcher.cutIfDue({ now: T0 })).to.equal(undefined);
  });

  it("leaves the records unbatched when storing the cut fails, and cuts them whole next time", async () => {
    await commit(3, [0, 1, 2]);
    let failNext = true;
    // The role, not the SQL store: the batcher may rely on nothing else.
    const failing: BatchCutLog = Object.assign(Object.create(store) as LedgerStore, {
      insertBatch: async (...args: Parameters<BatchCutLog["insertBatch"]>) => {
        await store.insertBatch(...args); // written, then the transaction fails: all rolls back
        if (failNext) {
          failNext = false;
          throw new Error("disk I/O error");
        }
      },
    });
    const batcher = new Batcher(failing, "0xop", { maxRecords: 100, maxWaitMs: 0 });
    await expect(batcher.cutIfDue({ now: T0 })).to.be.rejectedWith("disk I/O error");
    expect([await store.batchCount(), await store.batchedSeq()]).to.deep.equal([0, 0]);
    const batch = await batcher.cutIfDue({ now: T0 });
    expect([batch?.batch_index, batch?.first_seq, batch?.count]).to.deep.equal([0, 0, 3]);
    const records = await store.search({ limit: 10 });
    expect(records.map((r) => r.batch_index)).to.deep.equal([0, 0, 0]);
  });
});
