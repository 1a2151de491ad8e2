import { formatUnits } from "ethers";
import { InvariantError, LedgerError } from "../errors";
import { sameBatch, toHex32 } from "../merkle";
import { failpoint } from "../observability/failpoints";
import type { BatchLog, StoredBatch } from "../storage";
import { LedgerChain, type AnchorFees } from "./ledger-chain";

export interface AnchorerOptions {
  confirmations: number;
  /** How long one pass waits for its first transaction to be mined before it looks again. */
  mineTimeoutMs: number;
  /** Most transactions in flight at once (consecutive nonces). */
  maxInFlight?: number;
  /** The highest max fee per gas a replacement may offer, in wei; beyond it anchoring stalls. */
  maxFeePerGas?: bigint;
  /** How many of the newest anchored batches are checked for a reorg on each pass. */
  reorgDepth?: number;
  /** Called with the batches a reorg took off the chain (they are anchored again). */
  onReorg?: (batchIndexes: readonly number[], info: { deeperThanConfirmations: boolean }) => void;
}

export type AnchorOutcome = "anchored" | "waiting";

/** Anchoring stopped on purpose, with a stable code (`/readyz` and the log show it). */
export class AnchorStalledError extends LedgerError {}

/**
 * Brings batches on chain in order, crash-safely (DESIGN §3): each signed transaction is stored
 * before it is sent, and every pass starts from what the chain says (`nextSeqOf`), so a restart
 * at any moment neither anchors a batch twice nor forgets one. The contract refuses an overlap
 * or a gap anyway; this code makes sure we never need it to.
 *
 * On a slow chain, waiting for each batch's block before sending the next falls behind without
 * bound. So every waiting batch is sent at once, each with the next nonce: they are mined in
 * nonce order, which is the order the contract requires, and a block carries them all. A
 * transaction the network will not mine (its max fee under the base fee) is replaced with the
 * same nonce and higher fees, up to `maxFeePerGas`; only one transaction per nonce can ever be
 * mined, so a replacement can never anchor a batch twice.
 */
export class Anchorer {
  constructor(
    private readonly store: BatchLog,
    private readonly chain: LedgerChain,
    private readonly options: AnchorerOptions,
  ) {}

  /**
   * Anchors every unanchored batch, oldest first, while `keepGoing` says so (checked before each
   * transaction: a backlog of thousands must not hold a shutdown); returns those it confirmed.
   * Throws on the first chain failure.
   */
  async anchorPending(options: { keepGoing?: () => boolean } = {}): Promise<StoredBatch[]> {
    await this.checkReorg();
    const anchored: StoredBatch[] = [];
    const pending = await this.store.unanchoredBatches();
    if (pending.length === 0) return anchored;
    // Without this, a chain reset under the service (or a wrong address) surfaces as "the
    // operator key was used by another ledger", which sends the operator looking elsewhere.
    if (!(await this.chain.hasCode()))
      throw new InvariantError(
        "LEDGER_CONTRACT_MISSING",
        `no EvidenceLedger code at ${this.chain.address}: the chain was reset or the address is wrong; anchoring is stopped, intake goes on`,
        { details: { contract: this.chain.address } },
      );

    // Already on chain (mined before a restart, or by the last pass): confirm them in order.
    const chainNext = await this.chain.nextSeq();
    let i = 0;
    for (; i < pending.length && end(pending[i]!) <= chainNext; i++) {
      if ((await this.confirm(pending[i]!)) === "waiting") return anchored;
      anchored.push(pending[i]!);
    }
    const waiting = pending.slice(i, i + (this.options.maxInFlight ?? 16));
    if (waiting.length === 0) return anchored;
    if (chainNext !== waiting[0]!.first_seq) {
      throw new InvariantError(
        "ANCHOR_SEQUENCE_DIVERGED",
        `the chain expects seq ${chainNext} next but batch ${waiting[0]!.batch_index} starts at ${waiting[0]!.first_seq}: the operator key was used by another ledger`,
        {
          details: {
            batchIndex: waiting[0]!.batch_index,
            chainNextSeq: chainNext,
            firstSeq: waiting[0]!.first_seq,
          },
        },
      );
    }

    // Send them all, nonce after nonce: the chain mines them in this order.
    let nonce = await this.chain.transactionCount("latest");
    const baseFee = await this.chain.baseFee();
    const inFlight: { batch: StoredBatch; txHash: string }[] = [];
    for (const batch of waiting) {
      if (options.keepGoing && !options.keepGoing()) break;
      inFlight.push({ batch, txHash: await this.send(batch, nonce, baseFee) });
      nonce++;
    }
    if (inFlight.length === 0) return anchored;

    const first = await this.chain.waitMined(
      inFlight[0]!.txHash,
      this.options.confirmations,
      this.options.mineTimeoutMs,
    );
    if (!first) return anchored;
    // Confirm every one that is in by now; a reverted one goes back to be signed again.
    for (const { batch, txHash } of inFlight) {
      const receipt = txHash === first.hash ? first : await this.chain.receipt(txHash);
      if (receipt && receipt.status !== 1) {
        await this.store.resetToCut(batch.batch_index);
        throw new Error(
          `anchor transaction ${txHash} of batch ${batch.batch_index} reverted; it is signed again`,
        );
      }
      if (!receipt || (await this.confirm(batch)) === "waiting") break;
      anchored.push(batch);
    }
    return anchored;
  }

  /**
   * The batch's transaction with this nonce: the stored one, re-broadcast (or replaced with
   * higher fees when the network will not mine it), or a new one, stored before it is sent.
   */
  private async send(
    batch: StoredBatch,
    nonce: number,
    baseFee: bigint | undefined,
  ): Promise<string> {
    const stored =
      batch.status === "sent" && batch.nonce === nonce
        ? { rawTx: batch.raw_tx, txHash: batch.tx_hash }
        : undefined;
    if (stored) {
      const fees = LedgerChain.feesOf(stored.rawTx);
      if (baseFee === undefined || fees.maxFeePerGas >= baseFee) {
        await this.chain.broadcast(stored.rawTx).catch((error: unknown) => {
          if (!isAlreadyKnown(error)) throw error;
        });
        return stored.txHash;
      }
      return this.signStoreSend(batch, nonce, await this.replacementFees(fees, baseFee));
    }
    // No transaction for this nonce yet (or the stored one's nonce went to another). The cap
    // holds for a first transaction as for a replacement: a fee spike must not be paid.
    return this.signStoreSend(batch, nonce, await this.firstFees(baseFee));
  }

  private async signStoreSend(batch: StoredBatch, nonce: number, fees?: AnchorFees) {
    const signed = await this.chain.signAnchor(toHex32(batch.root), batch.first_seq, batch.count, {
      nonce,
      fees,
    });
    if (batch.status === "sent") await this.store.resetToCut(batch.batch_index);
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

  /**
   * Fees for a replacement: enough for the next block (twice its base fee plus the tip) and at
   * least 12.5 % above the stuck transaction's on both fees (nodes require 10 %), under the cap.
   */
  private async replacementFees(old: AnchorFees, baseFee: bigint): Promise<AnchorFees> {
    const suggested = await this.chain.suggestedFees();
    const bump = (x: bigint) => (x * 9n + 7n) / 8n;
    const tip = max(bump(old.maxPriorityFeePerGas), suggested.maxPriorityFeePerGas, 1n);
    const fees = {
      maxPriorityFeePerGas: tip,
      maxFeePerGas: max(bump(old.maxFeePerGas), baseFee * 2n + tip),
    };
    return this.underCap(fees, baseFee, bump(old.maxFeePerGas));
  }

  /** Fees for a new transaction: the network's suggestion, under the cap. */
  private async firstFees(baseFee: bigint | undefined): Promise<AnchorFees> {
    const suggested = await this.chain.suggestedFees();
    return baseFee === undefined ? suggested : this.underCap(suggested, baseFee, 0n);
  }

  /**
   * `fees` lowered to MAX_FEE_GWEI when the cap still pays for the next block (its base fee
   * and the tip) and is above `floor` (a replacement's least raise); otherwise anchoring stalls
   * with ANCHOR_FEE_CAP_REACHED and says what fee it would need.
   */
  private underCap(fees: AnchorFees, baseFee: bigint, floor: bigint): AnchorFees {
    const cap = this.options.maxFeePerGas;
    if (cap === undefined || fees.maxFeePerGas <= cap) return fees;
    const needed = baseFee + fees.maxPriorityFeePerGas;
    if (needed > cap || floor > cap)
      throw new AnchorStalledError(
        "ANCHOR_FEE_CAP_REACHED",
        `the network's base fee is ${gwei(baseFee)} gwei; an anchor needs about ${gwei(needed)} gwei per gas, above MAX_FEE_GWEI ${gwei(cap)}: anchoring waits for fees to fall or for the cap to be raised`,
        { details: { baseFeeGwei: gwei(baseFee), neededGwei: gwei(needed), capGwei: gwei(cap) } },
      );
    return { ...fees, maxFeePerGas: cap };
  }

  /**
   * Whether the newest anchored batches' blocks are still the chain's: a reorg that drops an
   * anchor block sends its batch (and every later one) back to be anchored again. Receipts are
   * only issued after CHAIN_CONFIRMATIONS blocks, so a reorg shallower than that changes no
   * receipt anyone holds.
   */
  private async checkReorg(): Promise<void> {
    const recent = await this.store.lastAnchoredBatches(this.options.reorgDepth ?? 64);
    const dropped: number[] = [];
    for (const batch of recent) {
      const hash = await this.chain.blockHashAt(batch.block_number);
      if (hash?.toLowerCase() === batch.block_hash.toLowerCase()) break;
      dropped.push(batch.batch_index);
    }
    if (dropped.length === 0) return;
    const latest = await this.chain.blockNumber();
    const deepest = recent.find((b) => b.batch_index === Math.min(...dropped))!;
    await this.store.unanchor(dropped);
    this.options.onReorg?.(
      dropped.sort((a, b) => a - b),
      {
        deeperThanConfirmations: latest - deepest.block_number + 1 > this.options.confirmations,
      },
    );
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
    if (!sameBatch(found, batch)) {
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

const end = (batch: StoredBatch) => batch.first_seq + batch.count;
const max = (...values: bigint[]) => values.reduce((a, b) => (a > b ? a : b));
const gwei = (wei: bigint) => formatUnits(wei, "gwei");

function isAlreadyKnown(error: unknown): boolean {
  const message = String((error as { message?: unknown })?.message ?? error).toLowerCase();
  return (
    message.includes("already known") ||
    message.includes("known transaction") ||
    message.includes("already imported") ||
    message.includes("nonce too low")
  );
}
