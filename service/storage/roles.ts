import type {
  AnchoredBatch,
  NewRecordRow,
  RecordQuery,
  StoredBatch,
  RecordRow,
  StoredDisclosure,
  StoredRecord,
  StoredRecordWithIndex,
  Tx,
} from "./ledger-store";
import type { BatchTable, BatchWitnessTable } from "./schema";

/**
 * What each part of the service needs of the store, and what the store promises it (in
 * tessera's manner: obligations as MUST / MUST NOT). `LedgerStore` implements them on SQLite
 * and PostgreSQL; the parts depend on these roles only, so their tests can hold a store to
 * exactly this.
 */

/** Units of work over the store: what sequencing and batching commit together. */
export interface Transactions {
  /**
   * Runs `work` in one transaction: all of its writes commit or none does. MUST resolve only
   * once the commit is durable, unless `durable: false`, when the caller MUST `flush` before
   * it acknowledges anything the transaction wrote.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  /** MUST make every commit so far durable before it resolves. */
  flush(): Promise<void>;
}

/** The numbered log of records, as intake sees it. */
export interface SequenceLog extends Transactions {
  /**
   * Reserves `count` consecutive sequence numbers in `tx` and returns the first. MUST hand out
   * numbers without gaps: the first is the count of all numbers reserved by committed
   * transactions, and a rolled-back reservation MUST be handed out again.
   */
  reserveSeqs(tx: Tx, count: number): Promise<number>;
  /** The first sequence number no committed record holds. */
  nextSeq(tx?: Tx): Promise<number>;
  /** The kinds of the committed records among `ids`; an unknown id MUST simply be absent. */
  kindsOf(ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Stores records whose seqs `tx` reserved, with their files, parties, terms and links. MUST
   * refuse (and so roll back `tx`) a seq or id already held: records are never overwritten.
   */
  insertRecords(tx: Tx, rows: readonly NewRecordRow[]): Promise<void>;
}

/** The cut of sequenced records into batches, as the batcher sees it. */
export interface BatchCutLog extends Transactions {
  /** The first seq not in any batch: batches MUST cover seqs 0 to it without gap or overlap. */
  batchedSeq(tx?: Tx): Promise<number>;
  nextSeq(tx?: Tx): Promise<number>;
  /** When the record `seq` was received, or undefined if no committed record holds it. */
  receivedAtOf(tx: Tx, seq: number): Promise<string | undefined>;
  /** Leaf hashes of committed records from `fromSeq`, in seq order, at most `limit`. */
  leafHashesFrom(
    tx: Tx,
    fromSeq: number,
    limit: number,
  ): Promise<{ seq: number; leaf_hash: string }[]>;
  batchCount(tx?: Tx): Promise<number>;
  /**
   * Stores a cut batch and assigns its records to it. MUST refuse a batch index already held,
   * so two cutters racing cannot both cut the same records.
   */
  insertBatch(
    tx: Tx,
    batch: Pick<BatchTable, "batch_index" | "first_seq" | "count" | "root" | "cut_at" | "operator">,
  ): Promise<void>;
  getBatch(batchIndex: number): Promise<StoredBatch | undefined>;
}

/** The records as readers (search, cases, certificates, exports, audits) see them. */
export interface RecordIndex {
  getRecordRow(id: string): Promise<RecordRow | undefined>;
  getRecord(id: string): Promise<StoredRecord | undefined>;
  /** Records matching every filter, in seq order after `afterSeq`; MUST NOT skip a match. */
  search(query: RecordQuery): Promise<RecordRow[]>;
  /** Records that link to any of `targetIds` with `rel`, with the target each links to. */
  linkingTo(
    targetIds: readonly string[],
    rel: string,
  ): Promise<{ target: string; canonical: string; disclosures: StoredDisclosure[] }[]>;
  /** Every record in seq order, a page at a time: memory MUST stay flat for any ledger. */
  streamRecords(pageSize?: number): AsyncGenerator<StoredRecord>;
  streamRecordsWithIndex(pageSize?: number): AsyncGenerator<StoredRecordWithIndex>;
  /** The leaf hashes of a batch's records in seq order: the leaves of its Merkle tree. */
  leafHashesOfBatch(batch: Pick<StoredBatch, "batch_index">): Promise<string[]>;
  /** Whether any record names this file: an unreferenced file is not evidence of anything. */
  isFileReferenced(sha256: string): Promise<boolean>;
  nextSeq(): Promise<number>;
}

/** The batches on their way to the chain, as the anchorer sees them. */
export interface BatchLog {
  /** MUST return every batch not yet anchored, in batch order, none skipped. */
  unanchoredBatches(): Promise<StoredBatch[]>;
  getBatch(batchIndex: number): Promise<StoredBatch | undefined>;
  /**
   * Records the signed transaction of a cut or sent batch. MUST be durable when it returns: the
   * transaction is broadcast only after, so a crash can always re-send the very same bytes.
   * MUST refuse (BATCH_STATE_CONFLICT) a batch in any other state.
   */
  markSent(
    batchIndex: number,
    sent: { tx_hash: string; raw_tx: string; nonce: number; sent_at: string },
  ): Promise<void>;
  /** MUST be durable on return; MUST refuse a batch already anchored (BATCH_STATE_CONFLICT). */
  markAnchored(
    batchIndex: number,
    anchored: Pick<
      BatchTable,
      "tx_hash" | "block_number" | "block_hash" | "block_timestamp" | "anchored_at"
    >,
  ): Promise<void>;
  /** Forgets a sent batch's transaction (it reverted, or its nonce went to another). */
  resetToCut(batchIndex: number): Promise<void>;
  /**
   * Anchored batches whose block left the chain: back to sent (their stored transaction may be
   * mined again) or, without one, to cut. MUST NOT touch a batch that is not anchored.
   */
  unanchor(batchIndexes: readonly number[]): Promise<void>;
  /** Every batch, in batch order: the audit MUST see the ones that failed too. */
  allBatches(): Promise<StoredBatch[]>;
  /** The newest anchored batches, newest first. */
  lastAnchoredBatches(limit: number): Promise<AnchoredBatch[]>;
}

/** Witnesses of batch roots (RFC 3161 tokens), as the timestamper sees them. */
export interface WitnessLog {
  /** Batches with no witness from `source` yet, oldest first, at most `limit`. */
  batchesAwaitingWitness(
    source: string,
    limit: number,
  ): Promise<Pick<StoredBatch, "batch_index" | "root">[]>;
  /**
   * MUST be durable on return. A second witness from the same source for the same batch MUST
   * be ignored, never an error: after a crash a batch may be stamped twice.
   */
  insertWitness(witness: BatchWitnessTable): Promise<void>;
  witnessesOf(batchIndex: number): Promise<BatchWitnessTable[]>;
  /** Per source, how many batches still wait for its witness. */
  witnessBacklog(sources: readonly string[]): Promise<Record<string, number>>;
}
