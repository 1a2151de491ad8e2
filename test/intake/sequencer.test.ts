import { expect } from "chai";
import { join } from "node:path";
import { Wallet } from "ethers";
import { Sequencer, type SealedRecord, type Submission } from "../../service/intake";
import { makeStatementSigner, type StatementSigner } from "../../service/keys";
import { leafHashOfRecord, parseRecordInput } from "../../service/records";
import {
  LedgerStore,
  openDatabase,
  type Db,
  type NewRecordRow,
  type Tx,
} from "../../service/storage";
import { exampleRecord } from "../support/http-client";
import { intakeSigner } from "../support/intake-statement";
import { newDataDir } from "../support/notary";

const LEDGER = { chainId: "31337", contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

describe("Sequencer", () => {
  async function setup(
    options: { maxGroup: number; maxQueue: number },
    makeStore: (db: Db, flush: () => Promise<void>) => LedgerStore = (db, flush) =>
      new LedgerStore(db, flush),
  ) {
    const opened = await openDatabase({ sqliteFile: join(await newDataDir(), "ledger.sqlite") });
    const store = makeStore(opened.db, opened.flushCommits);
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    const inThread = makeStatementSigner(wallet);
    // Signing takes a while, as on its worker thread: the next group is sealed meanwhile.
    const signer: StatementSigner = {
      ...inThread,
      signDigests: async (digests) => {
        await new Promise((r) => setTimeout(r, 20));
        return inThread.signDigests(digests);
      },
    };
    const sequencer = new Sequencer(store, signer, {
      ...options,
      anchorDeadlineMs: 60_000,
      ledger: LEDGER,
    });
    const submission: Submission = {
      input: parseRecordInput(await exampleRecord("filing"), []),
      files: [],
      submitter: { keyId: "k", name: "K" },
    };
    return { opened, store, sequencer, submission, wallet };
  }

  it("commits concurrent submissions in groups, with consecutive seqs in arrival order", async () => {
    const { opened, store, sequencer, submission } = await setup({ maxGroup: 4, maxQueue: 100 });
    const sealed = await Promise.all(
      Array.from({ length: 10 }, () => sequencer.submit(submission)),
    );
    expect(sealed.map((s) => s.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await store.nextSeq()).to.equal(10);
    await opened.db.destroy();
  });

  it("pushes back with SERVICE_OVERLOADED when too many wait, losing nothing it accepted", async () => {
    const { opened, store, sequencer, submission } = await setup({ maxGroup: 4, maxQueue: 3 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => sequencer.submit(submission)),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).to.have.property(
      "code",
      "SERVICE_OVERLOADED",
    );
    expect(await store.nextSeq()).to.equal(3);
    await opened.db.destroy();
  });

  it("refuses new submissions once closed, after committing those it had", async () => {
    const { opened, store, sequencer, submission } = await setup({ maxGroup: 4, maxQueue: 100 });
    const pending = sequencer.submit(submission);
    await sequencer.close();
    expect((await pending).seq).to.equal(0);
    await expect(sequencer.submit(submission)).to.be.rejected.and.eventually.have.property(
      "code",
      "SERVICE_SHUTTING_DOWN",
    );
    expect(await store.nextSeq()).to.equal(1);
    await opened.db.destroy();
  });

  it("numbers a group again when the one before it rolled back, leaving no gap", async () => {
    let failNext = true;
    /** A store whose first insert fails, as a full disk would make it. */
    class FailingOnce extends LedgerStore {
      override async insertRecords(tx: Tx, rows: readonly NewRecordRow[]): Promise<void> {
        if (failNext) {
          failNext = false;
          throw new Error("disk I/O error");
        }
        return super.insertRecords(tx, rows);
      }
    }
    const { opened, store, sequencer, submission, wallet } = await setup(
      { maxGroup: 1, maxQueue: 100 },
      (db, flush) => new FailingOnce(db, flush),
    );
    // One per group: the second is numbered 1 while the first commits, then the first fails.
    const outcomes = await Promise.allSettled([
      sequencer.submit(submission),
      sequencer.submit(submission),
      sequencer.submit(submission),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(["rejected", "fulfilled", "fulfilled"]);
    const sealed = outcomes.slice(1).map((o) => (o as PromiseFulfilledResult<SealedRecord>).value);
    expect(sealed.map((s) => s.seq)).to.deep.equal([0, 1]);
    for (const s of sealed) {
      // Sealed again means everything the leaf commits to agrees with the new number.
      expect(s.record.seq).to.equal(s.seq);
      expect(Buffer.from(leafHashOfRecord(s.record)).toString("hex")).to.equal(s.leafHash);
      expect(
        intakeSigner({
          leafHash: `0x${s.leafHash}`,
          intake: { ...LEDGER, anchorDeadline: s.anchorDeadline, signature: s.signature },
        }),
      ).to.equal(wallet.address);
    }
    expect(await store.nextSeq()).to.equal(2);
    const stored = await store.getRecordRow(sealed[0]!.id);
    expect([stored?.seq, stored?.signature]).to.deep.equal([0, sealed[0]!.signature]);
    await opened.db.destroy();
  });
});
