import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import {
  LedgerStore,
  openDatabase,
  type NewRecordRow,
  type OpenedDatabase,
} from "../../service/storage";
import { newDataDir } from "../support/notary";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

interface Engine {
  name: string;
  open: () => Promise<OpenedDatabase & { drop(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: "SQLite",
    open: async () => ({
      ...(await openDatabase({ sqliteFile: join(await newDataDir(), "ledger.sqlite") })),
      drop: async () => undefined,
    }),
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const schema = newSchemaName();
      return {
        ...(await openDatabase({ databaseUrl: PG_URL, sqliteFile: "", pgSchema: schema })),
        drop: () => dropSchema(schema),
      };
    },
  },
];

function row(seq: number, links: NewRecordRow["links"] = []): NewRecordRow {
  const id = randomUUID();
  return {
    record: {
      id,
      seq,
      kind: "evidence",
      received_at: new Date().toISOString(),
      submitter_key: "k",
      canonical: JSON.stringify({ id, seq }),
      leaf_hash: randomBytes(32).toString("hex"),
      signature: "0x00",
      anchor_deadline: new Date().toISOString(),
      intake_statement: 2,
    },
    files: [
      {
        record_id: id,
        position: 0,
        sha256: randomBytes(32).toString("hex"),
        size: 5,
        media_type: "text/plain",
        name: "a.txt",
      },
    ],
    links,
  };
}

for (const engine of engines) {
  describe(`LedgerStore on ${engine.name}`, () => {
    let opened: Awaited<ReturnType<Engine["open"]>>;
    let store: LedgerStore;

    beforeEach(async () => {
      opened = await engine.open();
      store = new LedgerStore(opened.db, opened.flushCommits);
    });
    afterEach(async () => {
      await opened.db.destroy();
      await opened.drop();
    });

    async function append(count: number): Promise<NewRecordRow[]> {
      return store.transaction(async (tx) => {
        const first = await store.reserveSeqs(tx, count);
        const rows = Array.from({ length: count }, (_, i) => row(first + i));
        await store.insertRecords(tx, rows);
        return rows;
      });
    }

    it("hands out consecutive seqs across concurrent transactions", async () => {
      const groups = await Promise.all([3, 1, 4, 1, 5, 9, 2, 6].map((n) => append(n)));
      const seqs = groups
        .flat()
        .map((r) => r.record.seq)
        .sort((a, b) => a - b);
      expect(seqs).to.deep.equal(Array.from({ length: 31 }, (_, i) => i));
      expect(await store.nextSeq()).to.equal(31);
    });

    it("leaves no gap when a transaction rolls back", async () => {
      await append(2);
      await store
        .transaction(async (tx) => {
          await store.reserveSeqs(tx, 5);
          throw new Error("request failed after reserving");
        })
        .catch(() => undefined);
      const [next] = await append(1);
      expect(next!.record.seq).to.equal(2);
    });

    it("stores a record with its files and links and reads it back", async () => {
      const [target] = await append(1);
      const [linked] = await store.transaction(async (tx) => {
        const r = row(await store.reserveSeqs(tx, 1), [
          { rel: "supports", target_id: target!.record.id },
        ]);
        await store.insertRecords(tx, [r]);
        return [r];
      });
      const read = await store.getRecord(linked!.record.id);
      expect(read).to.deep.include({ ...linked!.record, batch_index: null });
      expect(read!.files.map((f) => ({ ...f, size: Number(f.size) }))).to.deep.equal(
        linked!.files.map((f) => ({ ...f, keep_until: null, erased_by: null })),
      );
      expect(await store.kindsOf([target!.record.id, randomUUID()])).to.deep.equal(
        new Map([[target!.record.id, "evidence"]]),
      );
      expect(await store.isFileReferenced(linked!.files[0]!.sha256)).to.equal(true);
      expect(await store.isFileReferenced("f".repeat(64))).to.equal(false);
    });

    it("refuses a link to a record that does not exist (foreign key)", async () => {
      const attempt = store.transaction(async (tx) => {
        await store.insertRecords(tx, [
          row(await store.reserveSeqs(tx, 1), [{ rel: "supports", target_id: randomUUID() }]),
        ]);
      });
      await expect(attempt).to.be.rejected;
      expect(await store.nextSeq()).to.equal(0);
    });

    it("cuts batches, tracks their state and reports anchoring lag", async () => {
      const rows = await append(5);
      await store.transaction((tx) =>
        store.insertBatch(tx, {
          batch_index: 0,
          first_seq: 0,
          count: 3,
          root: "ab".repeat(32),
          cut_at: new Date().toISOString(),
          operator: "0x1",
        }),
      );
      expect(await store.batchedSeq()).to.equal(3);
      expect(await store.leafHashesOfBatch({ batch_index: 0 })).to.deep.equal(
        rows.slice(0, 3).map((r) => r.record.leaf_hash),
      );
      expect((await store.getRecord(rows[2]!.record.id))!.batch_index).to.equal(0);
      expect((await store.getRecord(rows[3]!.record.id))!.batch_index).to.equal(null);

      await store.markSent(0, {
        tx_hash: "0xaa",
        raw_tx: "0xbb",
        nonce: 7,
        sent_at: new Date().toISOString(),
      });
      expect(
        (await store.unanchoredBatches()).map((b) => [b.batch_index, b.status, b.nonce]),
      ).to.deep.equal([[0, "sent", 7]]);
      let stats = await store.stats();
      expect([
        stats.nextSeq,
        stats.batchedSeq,
        stats.anchoredSeq,
        stats.oldestUnanchoredAt,
      ]).to.deep.equal([5, 3, 0, rows[0]!.record.received_at]);

      await store.markAnchored(0, {
        tx_hash: "0xaa",
        block_number: 9,
        block_hash: "0xcc",
        block_timestamp: 1_700_000_000,
        anchored_at: new Date().toISOString(),
      });
      expect(await store.unanchoredBatches()).to.deep.equal([]);
      stats = await store.stats();
      expect([stats.anchoredBatches, stats.anchoredSeq, stats.oldestUnanchoredAt]).to.deep.equal([
        1,
        3,
        rows[3]!.record.received_at,
      ]);
      expect(await store.getBatch(0)).to.deep.include({
        status: "anchored",
        block_number: 9,
        block_timestamp: 1_700_000_000,
      });
    });

    it("reads a batch row as its state says, and refuses one that contradicts it", async () => {
      await append(2);
      await store.transaction((tx) =>
        store.insertBatch(tx, {
          batch_index: 0,
          first_seq: 0,
          count: 2,
          root: "ef".repeat(32),
          cut_at: new Date().toISOString(),
          operator: "0x1",
        }),
      );
      const cut = await store.getBatch(0);
      expect([cut?.status, cut?.first_seq, cut?.tx_hash]).to.deep.equal(["cut", 0, null]);
      // "sent" without the transaction it was sent with: the row lies about its state.
      await store.db
        .updateTable("batches")
        .set({ status: "sent" })
        .where("batch_index", "=", 0)
        .execute();
      const error = await store.getBatch(0).then(
        () => undefined,
        (e: { code?: string }) => e,
      );
      expect(error?.code).to.equal("BATCH_STATE_CONFLICT");
    });

    it("refuses to mark a batch anchored twice", async () => {
      await append(1);
      await store.transaction((tx) =>
        store.insertBatch(tx, {
          batch_index: 0,
          first_seq: 0,
          count: 1,
          root: "ab".repeat(32),
          cut_at: "t",
          operator: "0x1",
        }),
      );
      const anchored = {
        tx_hash: "0xaa",
        block_number: 1,
        block_hash: "0xcc",
        block_timestamp: 1,
        anchored_at: "t",
      };
      await store.markAnchored(0, anchored);
      await expect(store.markAnchored(0, anchored)).to.be.rejected.and.eventually.have.property(
        "code",
        "BATCH_STATE_CONFLICT",
      );
    });

    it("binds the ledger to one chain, contract and operator, once", async () => {
      expect(await store.binding()).to.equal(undefined);
      await store.bind({ chainId: "1", contract: "0xc", operator: "0xo" });
      await store.bind({ chainId: "2", contract: "0xd", operator: "0xp" });
      expect(await store.binding()).to.deep.equal({
        chainId: "1",
        contract: "0xc",
        operator: "0xo",
      });
    });
  });
}
