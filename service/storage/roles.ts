import type { AnchoredBatch, StoredBatch } from "./ledger-store";
import type { BatchTable, BatchWitnessTable } from "./schema";

/**
 * What each part of the service needs of the store, and what the store promises it (in
 * tessera's manner: obligations as MUST / MUST NOT). `LedgerStore` implements them on SQLite
 * and PostgreSQL; the parts depend on these roles only, so their tests can hold a store to
 * exactly this.
 */

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
