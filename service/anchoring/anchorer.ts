import { InvariantError } from "../errors";
import { failpoint } from "../observability/failpoints";
import type { LedgerStore, StoredBatch } from "../storage";
import type { LedgerChain } from "./ledger-chain";

export interface AnchorerOptions {
  confirmations: number;
  /** How long to wait for a sent transaction before checking again. */
  mineTimeoutMs: number;
}

export type AnchorOutcome = "anchored" | "waiting";

/**
 * Brings batches on chain in order, crash-safely (DESIGN §3): the signed transaction is stored
 * before it is sent, and every step starts from what the chain says (`nextSeqOf`), so a restart
 * at any moment neither anchors a batch twice nor forgets one. The contract refuses an overlap
 * anyway; this code makes sure we never need it to.
 */
export class Anchorer {
  constructor(
    private readonly store: LedgerStore,
    private readonly chain: LedgerChain,
    private readonly options: AnchorerOptions,
  ) {}

  /**
   * Anchors every unanchored batch, oldest first, while `keepGoing` says so (checked before
   * each batch: a backlog of thousands must not hold a shutdown); returns those it anchored.
   * Throws on the first chain failure.
   */
  async anchorPending(options: { keepGoing?: () => boolean } = {}): Promise<StoredBatch[]> {
    const anchored: StoredBatch[] = [];
    const pending = await this.store.unanchoredBatches();
    // Without this, a chain reset under the service (or a wrong address) surfaces as "the
    // operator key was used by another ledger", which sends the operator looking elsewhere.
    if (pending.length > 0 && !(await this.chain.hasCode()))
      throw new InvariantError(
        "LEDGER_CONTRACT_MISSING",
        `no EvidenceLedger code at ${this.chain.address}: the chain was reset or the address is wrong; anchoring is stopped, intake goes on`,
        { details: { contract: this.chain.address } },
      );
    for (const batch of pending) {
      if (options.keepGoing && !options.keepGoing()) break;
      if ((await this.anchor(batch)) === "waiting") break;
      anchored.push(batch);
    }
    return anchored;
  }

  async anchor(batch: StoredBatch): Promise<AnchorOutcome> {
    const end = batch.first_seq + batch.count;
    const nextSeq = await this.chain.nextSeq();
    if (nextSeq >= end) return this.confirm(batch);
    if (nextSeq !== batch.first_seq) {
      throw new InvariantError(
        "ANCHOR_SEQUENCE_DIVERGED",
        `the chain expects seq ${nextSeq} next but batch ${batch.batch_index} starts at ${batch.first_seq}: the operator key was used by another ledger`,
        {
          details: {
            batchIndex: batch.batch_index,
            chainNextSeq: nextSeq,
            firstSeq: batch.first_seq,
          },
        },
      );
    }
    const txHash = await this.send(batch);
    const receipt = await this.chain.waitMined(
      txHash,
      this.options.confirmations,
      this.options.mineTimeoutMs,
    );
    if (!receipt) return "waiting";
    if (receipt.status !== 1)
      throw new Error(`anchor transaction ${txHash} of batch ${batch.batch_index} reverted`);
    return this.confirm(batch);
  }

  /** Sends the batch's stored transaction, or signs, stores and sends a new one. */
  private async send(batch: StoredBatch): Promise<string> {
    if (batch.status === "sent" && batch.raw_tx && batch.tx_hash && batch.nonce !== null) {
      // Still sendable unless its nonce was consumed by a transaction that did not anchor.
      if ((await this.chain.transactionCount("latest")) <= batch.nonce) {
        await this.chain.broadcast(batch.raw_tx).catch((error: unknown) => {
          if (!isAlreadyKnown(error)) throw error;
        });
        return batch.tx_hash;
      }
    }
    const signed = await this.chain.signAnchor(`0x${batch.root}`, batch.first_seq, batch.count);
    await this.store.markSent(batch.batch_index, {
      tx_hash: signed.txHash,
      raw_tx: signed.rawTx,
      nonce: signed.nonce,
      sent_at: new Date().toISOString(),
    });
    failpoint("after-anchor-signed");
    await this.chain.broadcast(signed.rawTx);
    failpoint("after-anchor-sent");
    return signed.txHash;
  }

  /** The batch is on chain: check it is ours, byte for byte, then record where it is. */
  private async confirm(batch: StoredBatch): Promise<AnchorOutcome> {
    // Its own transaction first; failing that, logs only after the previous batch's block.
    const previous =
      batch.batch_index > 0 ? await this.store.getBatch(batch.batch_index - 1) : undefined;
    const found = await this.chain.findAnchoring(batch.batch_index, {
      fromBlock: previous?.block_number ?? 0,
      txHash: batch.tx_hash,
    });
    if (!found) return "waiting";
    if (
      found.root !== `0x${batch.root}` ||
      found.firstSeq !== batch.first_seq ||
      found.count !== batch.count
    ) {
      throw new InvariantError(
        "ANCHOR_MISMATCH",
        `batch ${batch.batch_index} on chain differs from the stored batch`,
        {
          details: {
            batchIndex: batch.batch_index,
            onChain: found,
            stored: { root: batch.root, firstSeq: batch.first_seq, count: batch.count },
          },
        },
      );
    }
    const confirmations = (await this.chain.blockNumber()) - found.blockNumber + 1;
    if (confirmations < this.options.confirmations) return "waiting";
    await this.store.markAnchored(batch.batch_index, {
      tx_hash: found.txHash,
      block_number: found.blockNumber,
      block_hash: found.blockHash,
      block_timestamp: found.blockTimestamp,
      anchored_at: new Date().toISOString(),
    });
    return "anchored";
  }
}

function isAlreadyKnown(error: unknown): boolean {
  const message = String((error as { message?: unknown })?.message ?? error).toLowerCase();
  return (
    message.includes("already known") ||
    message.includes("known transaction") ||
    message.includes("already imported")
  );
}
