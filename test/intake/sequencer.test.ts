import { expect } from "chai";
import { join } from "node:path";
import { Wallet } from "ethers";
import { Sequencer, type Submission } from "../../service/intake";
import { makeLeafSigner } from "../../service/keys";
import { parseRecordInput } from "../../service/records";
import { LedgerStore, openDatabase } from "../../service/storage";
import { exampleRecord } from "../support/http-client";
import { newDataDir } from "../support/notary";

describe("Sequencer", () => {
  async function setup(options: { maxGroup: number; maxQueue: number }) {
    const opened = await openDatabase({ sqliteFile: join(await newDataDir(), "ledger.sqlite") });
    const store = new LedgerStore(opened.db, opened.flushCommits);
    const sequencer = new Sequencer(
      store,
      makeLeafSigner(new Wallet(Wallet.createRandom().privateKey)),
      { ...options, anchorDeadlineMs: 60_000 },
    );
    const submission: Submission = {
      input: parseRecordInput(await exampleRecord("filing"), []),
      files: [],
      submitter: { keyId: "k", name: "K" },
    };
    return { opened, store, sequencer, submission };
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
});
