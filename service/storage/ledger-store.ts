import { SqliteAdapter, sql, type Selectable, type Transaction } from "kysely";
import { InvariantError } from "../errors";
import type { DerivedRows } from "../records";
import type { Db } from "./database";
import type { BatchCutLog, BatchLog, RecordIndex, SequenceLog, WitnessLog } from "./roles";
import type {
  BatchStatus,
  BatchTable,
  BatchWitnessTable,
  RecordDisclosureTable,
  RecordFileTable,
  RecordTable,
  Schema,
} from "./schema";

/** A disclosure as kept for its record. */
export type StoredDisclosure = Omit<RecordDisclosureTable, "record_id">;
/** A record's row with the disclosures still kept for it (none for v1 records). */
export type RecordRow = RecordTable & { disclosures: StoredDisclosure[] };
export type StoredRecord = RecordRow & { files: RecordFileTable[] };
/** A record with every index row stored for it, as the audit compares them with its canonical form. */
export type StoredRecordWithIndex = StoredRecord & { stored: DerivedRows };
interface BatchCommon {
  batch_index: number;
  first_seq: number;
  count: number;
  /** The Merkle root, hex without 0x. */
  root: string;
  cut_at: string;
  operator: string;
  attempts: number;
  last_error: string | null;
}
interface NotMined {
  block_number: null;
  block_hash: null;
  block_timestamp: null;
  anchored_at: null;
}
/** Cut, its root fixed, no transaction signed for it (or its last one given up). */
export type CutBatch = BatchCommon &
  NotMined & { status: "cut"; tx_hash: null; raw_tx: null; nonce: null; sent_at: null };
/** Its transaction signed and stored, then sent: the exact bytes, to re-send after a crash. */
export type SentBatch = BatchCommon &
  NotMined & { status: "sent"; tx_hash: string; raw_tx: string; nonce: number; sent_at: string };
/** On chain under enough confirmations: where (its transaction may be one it did not sign). */
export type AnchoredBatch = BatchCommon & {
  status: "anchored";
  tx_hash: string;
  raw_tx: string | null;
  nonce: number | null;
  sent_at: string | null;
  block_number: number;
  block_hash: string;
  block_timestamp: number;
  anchored_at: string;
};
export type StoredBatch = CutBatch | SentBatch | AnchoredBatch;
export type Tx = Transaction<Schema>;

export interface NewRecordRow {
  record: Omit<RecordTable, "batch_index">;
  /** A personal file's row carries its end of keeping; none is erased at intake. */
  files: (Omit<RecordFileTable, "keep_until" | "erased_by"> & { keep_until?: string })[];
  links: { rel: string; target_id: string }[];
  /** Identifiers of the parties the record names (see records/parties). */
  parties?: string[];
  /** Searchable terms (see records/terms). */
  terms?: { field: string; value: string }[];
  /** The disclosures of a v2 record's personal values, kept apart from it. */
  disclosures?: StoredDisclosure[];
}

export interface RecordQuery {
  kind?: string;
  /** ISO-8601 bounds on received_at: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  terms?: Partial<Record<string, string>>;
  /** Only records naming this party (an identity document number, or `shop:<id>`). */
  party?: string;
  /** Only records a party's key may read: submitted with it, or naming one of its parties. */
  viewer?: { keyId: string; parties: readonly string[] };
  afterSeq?: number;
  limit: number;
}

export interface LedgerBinding {
  chainId: string;
  contract: string;
  operator: string;
}

export interface LedgerStats {
  nextSeq: number;
  batchCount: number;
  anchoredBatches: number;
  /** Records with seq below this are anchored. */
  anchoredSeq: number;
  /** Records with seq below this are in a batch. */
  batchedSeq: number;
  oldestUnanchoredAt: string | null;
}

/** The index rows of a record, in its tables' shape. */
export function toDerivedTables(
  recordId: string,
  derived: DerivedRows,
): Pick<NewRecordRow, "files" | "links" | "parties" | "terms"> {
  return {
    files: derived.files.map((f) => ({
      record_id: recordId,
      position: f.position,
      sha256: f.sha256,
      size: f.size,
      media_type: f.mediaType,
      name: f.name,
    })),
    links: derived.links.map((l) => ({ rel: l.rel, target_id: l.targetId })),
    parties: derived.parties,
    terms: derived.terms,
  };
}

// SQLite allows 32,766 bound variables per statement; PostgreSQL 65,535.
const INSERT_CHUNK = 500;

/**
 * Every read and write of the ledger's tables, on SQLite or PostgreSQL alike. Sequence numbers
 * are handed out by one row update inside the intake transaction, so they are gap-free however
 * many writers there are: a rolled-back transaction rolls back its numbers too.
 */
export class LedgerStore implements SequenceLog, BatchCutLog, RecordIndex, BatchLog, WitnessLog {
  constructor(
    readonly db: Db,
    private readonly flushCommits: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * Runs `work` in a transaction; resolves once the commit is durable, or, with
   * `durable: false`, once committed, leaving the caller to `flush` before relying on it.
   */
  /**
   * Replicas (DESIGN §8): the check that this process still holds the anchorer role, run in the
   * same transaction as every write of anchoring state (batches cut, sent, anchored, undone).
   */
  private anchoringFence: ((tx: Tx) => Promise<void>) | undefined;

  fenceAnchoring(check: (tx: Tx) => Promise<void>): void {
    this.anchoringFence = check;
  }

  async transaction<T>(
    work: (tx: Tx) => Promise<T>,
    options: { durable?: boolean } = {},
  ): Promise<T> {
    const result = await this.db.transaction().execute(work);
    if (options.durable !== false) await this.flushCommits();
    return result;
  }

  /** Makes every commit so far durable. */
  flush(): Promise<void> {
    return this.flushCommits();
  }

  /** Reserves `count` consecutive sequence numbers in `tx` and returns the first. */
  async reserveSeqs(tx: Tx, count: number): Promise<number> {
    const row = await tx
      .updateTable("ledger_state")
      .set({ next_seq: sql`next_seq + ${count}` })
      .where("id", "=", 1)
      .returning("next_seq")
      .executeTakeFirstOrThrow();
    return Number(row.next_seq) - count;
  }

  /** The chain binding of this ledger, or undefined before the first start bound it. */
  async binding(): Promise<LedgerBinding | undefined> {
    const row = await this.db
      .selectFrom("ledger_state")
      .selectAll()
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    return row.chain_id && row.contract && row.operator
      ? { chainId: row.chain_id, contract: row.contract, operator: row.operator }
      : undefined;
  }

  async bind(binding: LedgerBinding): Promise<void> {
    await this.db
      .updateTable("ledger_state")
      .set({ chain_id: binding.chainId, contract: binding.contract, operator: binding.operator })
      .where("id", "=", 1)
      .where("chain_id", "is", null)
      .execute();
    await this.flushCommits();
  }

  async kindsOf(ids: readonly string[], tx: Tx | Db = this.db): Promise<Map<string, string>> {
    const kinds = new Map<string, string>();
    for (const chunk of chunks([...new Set(ids)], INSERT_CHUNK)) {
      const rows = await tx
        .selectFrom("records")
        .select(["id", "kind"])
        .where("id", "in", chunk)
        .execute();
      rows.forEach((r) => kinds.set(r.id, r.kind));
    }
    return kinds;
  }

  async insertRecords(tx: Tx, rows: readonly NewRecordRow[]): Promise<void> {
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      await tx
        .insertInto("records")
        .values(chunk.map((r) => ({ ...r.record, batch_index: null })))
        .execute();
    }
    const files = rows.flatMap((r) => r.files);
    for (const chunk of chunks(files, INSERT_CHUNK))
      await tx.insertInto("record_files").values(chunk).execute();
    const parties = rows.flatMap((r) =>
      [...new Set(r.parties ?? [])].map((party) => ({ record_id: r.record.id, party })),
    );
    for (const chunk of chunks(parties, INSERT_CHUNK))
      await tx.insertInto("record_parties").values(chunk).execute();
    const terms = rows.flatMap((r) =>
      (r.terms ?? []).map((t) => ({ record_id: r.record.id, ...t })),
    );
    for (const chunk of chunks(terms, INSERT_CHUNK))
      await tx.insertInto("record_terms").values(chunk).execute();
    const links = rows.flatMap((r) => r.links.map((l) => ({ record_id: r.record.id, ...l })));
    for (const chunk of chunks(links, INSERT_CHUNK))
      await tx.insertInto("record_links").values(chunk).execute();
    const disclosures = rows.flatMap((r) =>
      (r.disclosures ?? []).map((d) => ({ record_id: r.record.id, ...d })),
    );
    for (const chunk of chunks(disclosures, INSERT_CHUNK))
      await tx.insertInto("record_disclosures").values(chunk).execute();
  }

  /**
   * Erases values of a record (DESIGN §7): deletes their disclosures and replaces the record's
   * index rows (parties, search terms) with `derived`, those of what is still disclosed, in
   * one transaction; then makes the freed bytes leave the files. On SQLite, `secure_delete`
   * (set at open) zeroes deleted content in the database file, and a TRUNCATE checkpoint moves
   * it there and empties the write-ahead log, which held the old pages. On PostgreSQL a plain
   * VACUUM only marks the space free: the bytes leave the table's files at `VACUUM FULL` of
   * `record_disclosures`, `record_parties` and `record_terms` (README, Erasure).
   */
  async eraseDisclosures(
    recordId: string,
    digests: readonly string[],
    derived: Pick<NewRecordRow, "parties" | "terms">,
  ): Promise<void> {
    await this.transaction(async (tx) => {
      for (const chunk of chunks([...digests], INSERT_CHUNK))
        await tx
          .deleteFrom("record_disclosures")
          .where("record_id", "=", recordId)
          .where("digest", "in", chunk)
          .execute();
      await tx.deleteFrom("record_parties").where("record_id", "=", recordId).execute();
      await tx.deleteFrom("record_terms").where("record_id", "=", recordId).execute();
      const parties = [...new Set(derived.parties ?? [])].map((party) => ({
        record_id: recordId,
        party,
      }));
      for (const chunk of chunks(parties, INSERT_CHUNK))
        await tx.insertInto("record_parties").values(chunk).execute();
      const terms = (derived.terms ?? []).map((t) => ({ record_id: recordId, ...t }));
      for (const chunk of chunks(terms, INSERT_CHUNK))
        await tx.insertInto("record_terms").values(chunk).execute();
    });
    if (this.db.getExecutor().adapter instanceof SqliteAdapter)
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(this.db);
    else await sql`vacuum record_disclosures, record_parties, record_terms`.execute(this.db);
  }

  /** Records keeping a disclosure whose keeping floor is past `now`, oldest floor first. */
  async recordsPastKeeping(now: string, limit: number): Promise<string[]> {
    const values = this.db
      .selectFrom("record_disclosures")
      .select(["record_id", "keep_until"])
      .where("keep_until", "<=", now);
    const files = this.db
      .selectFrom("record_files")
      .select(["record_id", sql<string>`keep_until`.as("keep_until")])
      .where("keep_until", "<=", now)
      .where("erased_by", "is", null);
    const rows = await this.db
      .selectFrom(values.unionAll(files).as("due"))
      .select("record_id")
      .groupBy("record_id")
      .orderBy(sql`min(keep_until)`)
      .limit(limit)
      .execute();
    return rows.map((r) => r.record_id);
  }

  /** Moves a record's keeping floor later (its case keeps it longer), never earlier. */
  async keepUntil(recordId: string, until: string): Promise<void> {
    await this.transaction(async (tx) => {
      await tx
        .updateTable("record_disclosures")
        .set({ keep_until: until })
        .where("record_id", "=", recordId)
        .where("keep_until", "<", until)
        .execute();
      await tx
        .updateTable("record_files")
        .set({ keep_until: until })
        .where("record_id", "=", recordId)
        .where("keep_until", "<", until)
        .where("erased_by", "is", null)
        .execute();
    });
  }

  /**
   * Marks a record's copies of files erased by an erasure record. Returns the digests no record
   * holds any more: their bytes are to be deleted from the file store.
   */
  async eraseFiles(
    recordId: string,
    sha256s: readonly string[],
    erasureId: string,
  ): Promise<string[]> {
    if (sha256s.length === 0) return [];
    return this.transaction(async (tx) => {
      await tx
        .updateTable("record_files")
        .set({ erased_by: erasureId })
        .where("record_id", "=", recordId)
        .where("sha256", "in", [...sha256s])
        .execute();
      const held = await tx
        .selectFrom("record_files")
        .select("sha256")
        .where("sha256", "in", [...sha256s])
        .where("erased_by", "is", null)
        .execute();
      const still = new Set(held.map((r) => r.sha256));
      return [...new Set(sha256s)].filter((d) => !still.has(d));
    });
  }

  /** The erasure record that erased a record's copy of a file, if one did. */
  async fileErasedBy(recordId: string, sha256: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("record_files")
      .select("erased_by")
      .where("record_id", "=", recordId)
      .where("sha256", "=", sha256)
      .where("erased_by", "is not", null)
      .executeTakeFirst();
    return row?.erased_by ?? undefined;
  }

  /** Digests every record's copy of which is erased: bytes the file store must not keep. */
  async erasedFileDigests(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("record_files")
      .select("sha256")
      .where("sha256", "in", (q) =>
        q.selectFrom("record_files").select("sha256").where("erased_by", "is not", null),
      )
      .groupBy("sha256")
      .having(sql`count(erased_by)`, "=", sql`count(*)`)
      .execute();
    return rows.map((r) => r.sha256);
  }

  /** The rows, each with the disclosures still kept for it. */
  private async withDisclosures<T extends { id: string }>(
    rows: readonly T[],
  ): Promise<(T & { disclosures: StoredDisclosure[] })[]> {
    const by = new Map<string, StoredDisclosure[]>();
    for (const chunk of chunks(
      rows.map((r) => r.id),
      INSERT_CHUNK,
    )) {
      if (chunk.length === 0) continue;
      const found = await this.db
        .selectFrom("record_disclosures")
        .selectAll()
        .where("record_id", "in", chunk)
        .orderBy("digest")
        .execute();
      for (const { record_id, ...d } of found) by.set(record_id, [...(by.get(record_id) ?? []), d]);
    }
    return rows.map((r) => ({ ...r, disclosures: by.get(r.id) ?? [] }));
  }

  /** The record's row alone, for callers that do not need its files. */
  async getRecordRow(id: string): Promise<RecordRow | undefined> {
    const row = await this.db
      .selectFrom("records")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row && (await this.withDisclosures([row]))[0];
  }

  async getRecord(id: string): Promise<StoredRecord | undefined> {
    const record = await this.getRecordRow(id);
    if (!record) return undefined;
    const files = await this.db
      .selectFrom("record_files")
      .selectAll()
      .where("record_id", "=", id)
      .orderBy("position")
      .execute();
    return { ...record, files };
  }

  /** Every record with its file rows, in seq order, a page at a time (memory stays flat). */
  async *streamRecords(pageSize = 1_000): AsyncGenerator<StoredRecord> {
    let after = -1;
    for (;;) {
      const rows = await this.db
        .selectFrom("records")
        .selectAll()
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      const files = await this.db
        .selectFrom("record_files")
        .selectAll()
        .where(
          "record_id",
          "in",
          rows.map((r) => r.id),
        )
        .orderBy("position")
        .execute();
      const byRecord = new Map<string, StoredRecord["files"]>();
      for (const f of files)
        byRecord.set(f.record_id, [
          ...(byRecord.get(f.record_id) ?? []),
          { ...f, size: Number(f.size) },
        ]);
      for (const row of await this.withDisclosures(rows))
        yield { ...row, seq: Number(row.seq), files: byRecord.get(row.id) ?? [] };
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /**
   * Every record with all its stored index rows (files, links, parties, terms), in seq order,
   * a page at a time: what the audit compares with each record's canonical form.
   */
  async *streamRecordsWithIndex(pageSize = 1_000): AsyncGenerator<StoredRecordWithIndex> {
    let page: StoredRecord[] = [];
    const flush = async function* (this: LedgerStore) {
      const ids = page.map((r) => r.id);
      const [links, parties, terms] = await Promise.all([
        this.db.selectFrom("record_links").selectAll().where("record_id", "in", ids).execute(),
        this.db.selectFrom("record_parties").selectAll().where("record_id", "in", ids).execute(),
        this.db.selectFrom("record_terms").selectAll().where("record_id", "in", ids).execute(),
      ]);
      const group = <T extends { record_id: string }>(rows: T[]) => {
        const by = new Map<string, T[]>();
        for (const row of rows) by.set(row.record_id, [...(by.get(row.record_id) ?? []), row]);
        return by;
      };
      const [l, p, t] = [group(links), group(parties), group(terms)];
      for (const row of page)
        yield {
          ...row,
          stored: {
            files: row.files.map((f) => ({
              position: Number(f.position),
              sha256: f.sha256,
              size: Number(f.size),
              mediaType: f.media_type,
              name: f.name,
            })),
            links: (l.get(row.id) ?? []).map((x) => ({ rel: x.rel, targetId: x.target_id })),
            parties: (p.get(row.id) ?? []).map((x) => x.party),
            terms: (t.get(row.id) ?? []).map((x) => ({ field: x.field, value: x.value })),
          },
        };
      page = [];
    };
    for await (const row of this.streamRecords(pageSize)) {
      page.push(row);
      if (page.length === pageSize) yield* flush.call(this);
    }
    if (page.length > 0) yield* flush.call(this);
  }

  /**
   * Records matching every given filter, in seq order after `afterSeq` (keyset pagination).
   * Term filters match exactly: callers give them as indexed (records' `searchTerm`).
   */
  async search(query: RecordQuery): Promise<RecordRow[]> {
    let q = this.db
      .selectFrom("records")
      .selectAll("records")
      .where("seq", ">", query.afterSeq ?? -1);
    if (query.kind) q = q.where("kind", "=", query.kind);
    if (query.from) q = q.where("received_at", ">=", query.from);
    if (query.to) q = q.where("received_at", "<", query.to);
    if (query.party)
      q = q.where(
        "id",
        "in",
        this.db.selectFrom("record_parties").select("record_id").where("party", "=", query.party),
      );
    const viewer = query.viewer;
    if (viewer)
      q = q.where((eb) =>
        eb.or([
          eb("submitter_key", "=", viewer.keyId),
          ...(viewer.parties.length > 0
            ? [
                eb(
                  "id",
                  "in",
                  this.db
                    .selectFrom("record_parties")
                    .select("record_id")
                    .where("party", "in", [...viewer.parties]),
                ),
              ]
            : []),
        ]),
      );
    for (const [field, value] of Object.entries(query.terms ?? {})) {
      q = q.where(
        "id",
        "in",
        this.db
          .selectFrom("record_terms")
          .select("record_id")
          .where("field", "=", field)
          .where("value", "=", value ?? ""),
      );
    }
    const rows = await q.orderBy("seq").limit(query.limit).execute();
    return (await this.withDisclosures(rows)).map((r) => ({
      ...r,
      seq: Number(r.seq),
      batch_index: r.batch_index === null ? null : Number(r.batch_index),
    }));
  }

  /** Records that link to any of `targetIds` with `rel`, with the target each links to. */
  async linkingTo(
    targetIds: readonly string[],
    rel: string,
  ): Promise<{ target: string; canonical: string; disclosures: StoredDisclosure[] }[]> {
    const out: { target: string; canonical: string; disclosures: StoredDisclosure[] }[] = [];
    for (const chunk of chunks([...targetIds], INSERT_CHUNK)) {
      const rows = await this.db
        .selectFrom("record_links")
        .innerJoin("records", "records.id", "record_links.record_id")
        .select([
          "record_links.target_id as target",
          "records.id as id",
          "records.canonical as canonical",
        ])
        .where("record_links.rel", "=", rel)
        .where("record_links.target_id", "in", chunk)
        .execute();
      out.push(...(await this.withDisclosures(rows)));
    }
    return out;
  }

  async allBatches(): Promise<StoredBatch[]> {
    const rows = await this.db.selectFrom("batches").selectAll().orderBy("batch_index").execute();
    return rows.map(normaliseBatch);
  }

  /** Whether a record holds these bytes: one whose copy was erased does not. */
  async isFileReferenced(sha256: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("record_files")
      .select("record_id")
      .where("sha256", "=", sha256)
      .where("erased_by", "is", null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async nextSeq(tx: Tx | Db = this.db): Promise<number> {
    const row = await tx
      .selectFrom("ledger_state")
      .select("next_seq")
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    return Number(row.next_seq);
  }

  /**
   * Whether the next seq is past every record's: a lowered `next_seq` hands out a used seq and
   * every submission fails. The highest seq is read first: the next seq only grows, so a commit
   * between the two reads cannot make a sound ledger look unsound.
   */
  async sequenceSound(): Promise<boolean> {
    const row = await this.db
      .selectFrom("records")
      .select((eb) => eb.fn.max("seq").as("max"))
      .executeTakeFirst();
    const max = row?.max === null || row?.max === undefined ? -1 : Number(row.max);
    return (await this.nextSeq()) > max;
  }

  async receivedAtOf(tx: Tx | Db, seq: number): Promise<string | undefined> {
    const row = await tx
      .selectFrom("records")
      .select("received_at")
      .where("seq", "=", seq)
      .executeTakeFirst();
    return row?.received_at;
  }

  /** First seq not yet in any batch. */
  async batchedSeq(tx: Tx | Db = this.db): Promise<number> {
    const row = await tx
      .selectFrom("batches")
      .select(["first_seq", "count"])
      .orderBy("batch_index", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.first_seq) + Number(row.count) : 0;
  }

  async batchCount(tx: Tx | Db = this.db): Promise<number> {
    const row = await tx
      .selectFrom("batches")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Leaf hashes of the records from `fromSeq`, in seq order, at most `limit`. */
  async leafHashesFrom(
    tx: Tx | Db,
    fromSeq: number,
    limit: number,
  ): Promise<{ seq: number; leaf_hash: string }[]> {
    const rows = await tx
      .selectFrom("records")
      .select(["seq", "leaf_hash"])
      .where("seq", ">=", fromSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  }

  async leafHashesOfBatch(batch: Pick<StoredBatch, "batch_index">): Promise<string[]> {
    const rows = await this.db
      .selectFrom("records")
      .select("leaf_hash")
      .where("batch_index", "=", batch.batch_index)
      .orderBy("seq")
      .execute();
    return rows.map((r) => r.leaf_hash);
  }

  async insertBatch(
    tx: Tx,
    batch: Pick<BatchTable, "batch_index" | "first_seq" | "count" | "root" | "cut_at" | "operator">,
  ): Promise<void> {
    await this.anchoringFence?.(tx);
    await tx
      .insertInto("batches")
      .values({ ...batch, status: "cut" })
      .execute();
    await tx
      .updateTable("records")
      .set({ batch_index: batch.batch_index })
      .where("seq", ">=", batch.first_seq)
      .where("seq", "<", batch.first_seq + batch.count)
      .execute();
  }

  async getBatch(batchIndex: number): Promise<StoredBatch | undefined> {
    const row = await this.db
      .selectFrom("batches")
      .selectAll()
      .where("batch_index", "=", batchIndex)
      .executeTakeFirst();
    return row ? normaliseBatch(row) : undefined;
  }

  /** Batches no witness from `source` attests yet, oldest first. */
  async batchesAwaitingWitness(
    source: string,
    limit: number,
  ): Promise<Pick<StoredBatch, "batch_index" | "root">[]> {
    const rows = await this.db
      .selectFrom("batches")
      .select(["batch_index", "root"])
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("batch_witnesses")
              .select("batch_witnesses.batch_index")
              .whereRef("batch_witnesses.batch_index", "=", "batches.batch_index")
              .where("batch_witnesses.source", "=", source),
          ),
        ),
      )
      .orderBy("batch_index")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ batch_index: Number(r.batch_index), root: r.root }));
  }

  /** Stores a witness; a second one from the same source for the same batch is ignored. */
  async insertWitness(witness: BatchWitnessTable): Promise<void> {
    await this.db
      .insertInto("batch_witnesses")
      .values(witness)
      .onConflict((c) => c.columns(["batch_index", "source"]).doNothing())
      .execute();
    await this.flushCommits();
  }

  async witnessesOf(batchIndex: number): Promise<BatchWitnessTable[]> {
    const rows = await this.db
      .selectFrom("batch_witnesses")
      .selectAll()
      .where("batch_index", "=", batchIndex)
      .orderBy("attested_at")
      .orderBy("source")
      .execute();
    return rows.map((r) => ({ ...r, batch_index: Number(r.batch_index) }));
  }

  /** Per source, how many batches its witness is still awaited for. */
  async witnessBacklog(sources: readonly string[]): Promise<Record<string, number>> {
    const batches = await this.batchCount();
    const backlog: Record<string, number> = {};
    for (const source of sources) {
      const row = await this.db
        .selectFrom("batch_witnesses")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("source", "=", source)
        .executeTakeFirst();
      backlog[source] = batches - Number(row?.n ?? 0);
    }
    return backlog;
  }

  /** Batches not yet anchored, oldest first: they must reach the chain in this order. */
  async unanchoredBatches(): Promise<StoredBatch[]> {
    const rows = await this.db
      .selectFrom("batches")
      .selectAll()
      .where("status", "!=", "anchored")
      .orderBy("batch_index")
      .execute();
    return rows.map(normaliseBatch);
  }

  async markSent(
    batchIndex: number,
    sent: { tx_hash: string; raw_tx: string; nonce: number; sent_at: string },
  ): Promise<void> {
    await this.updateBatch(batchIndex, ["cut", "sent"], { ...sent, status: "sent" });
  }

  async markAnchored(
    batchIndex: number,
    anchored: Pick<
      BatchTable,
      "tx_hash" | "block_number" | "block_hash" | "block_timestamp" | "anchored_at"
    >,
  ): Promise<void> {
    await this.updateBatch(batchIndex, ["cut", "sent"], {
      ...anchored,
      status: "anchored",
      last_error: null,
    });
  }

  /**
   * A sent batch whose transaction reverted or can no longer be mined goes back to "cut": its
   * next transaction is signed afresh. Nothing of it reached the chain.
   */
  async resetToCut(batchIndex: number): Promise<void> {
    await this.updateBatch(batchIndex, ["sent"], {
      status: "cut",
      tx_hash: null,
      raw_tx: null,
      nonce: null,
      sent_at: null,
    });
  }

  /**
   * Batches whose anchor block left the canonical chain (a reorg) are anchored no more: they go
   * back to "sent" (their transaction may be mined again) and the anchorer takes them up again.
   */
  async unanchor(batchIndexes: readonly number[]): Promise<void> {
    if (batchIndexes.length === 0) return;
    const unmined = {
      block_number: null,
      block_hash: null,
      block_timestamp: null,
      anchored_at: null,
    };
    await this.db.transaction().execute(async (tx) => {
      await this.anchoringFence?.(tx);
      await tx
        .updateTable("batches")
        .set({ ...unmined, status: "sent" })
        .where("batch_index", "in", batchIndexes)
        .where("status", "=", "anchored")
        .where("raw_tx", "is not", null)
        .execute();
    });
    // One confirmed from the chain's logs without a transaction of its own: signed afresh.
    await this.db
      .updateTable("batches")
      .set({ ...unmined, status: "cut", tx_hash: null, nonce: null, sent_at: null })
      .where("batch_index", "in", batchIndexes)
      .where("status", "=", "anchored")
      .execute();
    await this.flushCommits();
  }

  /** The newest anchored batches, newest first: where a reorg would show first. */
  async lastAnchoredBatches(limit: number): Promise<AnchoredBatch[]> {
    const rows = await this.db
      .selectFrom("batches")
      .selectAll()
      .where("status", "=", "anchored")
      .orderBy("batch_index", "desc")
      .limit(limit)
      .execute();
    return rows.map(normaliseBatch) as AnchoredBatch[];
  }

  async recordAnchorError(batchIndex: number, message: string): Promise<void> {
    await this.db
      .updateTable("batches")
      .set({ last_error: message.slice(0, 2_000), attempts: sql`attempts + 1` })
      .where("batch_index", "=", batchIndex)
      .execute();
  }

  async stats(): Promise<LedgerStats> {
    const [nextSeq, batchCount, batchedSeq] = await Promise.all([
      this.nextSeq(),
      this.batchCount(),
      this.batchedSeq(),
    ]);
    const anchored = await this.db
      .selectFrom("batches")
      .select(["batch_index", "first_seq", "count"])
      .where("status", "=", "anchored")
      .orderBy("batch_index", "desc")
      .limit(1)
      .executeTakeFirst();
    const anchoredSeq = anchored ? Number(anchored.first_seq) + Number(anchored.count) : 0;
    const oldest = await this.db
      .selectFrom("records")
      .select("received_at")
      .where("seq", "=", anchoredSeq)
      .executeTakeFirst();
    return {
      nextSeq,
      batchCount,
      anchoredBatches: anchored ? Number(anchored.batch_index) + 1 : 0,
      anchoredSeq,
      batchedSeq,
      oldestUnanchoredAt: oldest?.received_at ?? null,
    };
  }

  private async updateBatch(
    batchIndex: number,
    from: BatchStatus[],
    values: Partial<Omit<BatchTable, "attempts">>,
  ): Promise<void> {
    const result = await this.db.transaction().execute(async (tx) => {
      await this.anchoringFence?.(tx);
      return tx
        .updateTable("batches")
        .set(values)
        .where("batch_index", "=", batchIndex)
        .where("status", "in", from)
        .executeTakeFirst();
    });
    // A sent transaction's bytes must be on disk before it is broadcast (DESIGN §3).
    await this.flushCommits();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new InvariantError(
        "BATCH_STATE_CONFLICT",
        `batch ${batchIndex} is not in state ${from.join(" or ")}`,
        {
          details: { batchIndex, from },
        },
      );
    }
  }
}

/**
 * A batch row as its state says it is: integer columns as numbers (PostgreSQL answers bigint
 * as text), and the fields each state must have present. A row that contradicts its state is
 * the store contradicting itself.
 */
function normaliseBatch(row: Selectable<BatchTable>): StoredBatch {
  const num = (v: number | null) => (v === null ? null : Number(v));
  const batch = {
    ...row,
    batch_index: Number(row.batch_index),
    first_seq: Number(row.first_seq),
    count: Number(row.count),
    nonce: num(row.nonce),
    block_number: num(row.block_number),
    block_timestamp: num(row.block_timestamp),
    attempts: Number(row.attempts),
  };
  const consistent =
    batch.status === "cut" ||
    (batch.status === "sent" &&
      batch.raw_tx !== null &&
      batch.tx_hash !== null &&
      batch.nonce !== null) ||
    (batch.status === "anchored" &&
      batch.tx_hash !== null &&
      batch.block_number !== null &&
      batch.block_hash !== null &&
      batch.block_timestamp !== null);
  if (!consistent)
    throw new InvariantError(
      "BATCH_STATE_CONFLICT",
      `batch ${batch.batch_index} is "${batch.status}" but lacks what that state holds`,
      { details: { batchIndex: batch.batch_index } },
    );
  return batch as StoredBatch;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
