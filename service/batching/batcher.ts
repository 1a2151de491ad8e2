import { hexlify } from "ethers";
import { nativeSha256 } from "../fingerprint";
import { makeTree, rootOf } from "../merkle";
import { failpoint } from "../observability/failpoints";
import type { BatchCutLog, StoredBatch } from "../storage";

export interface BatchPolicy {
  /** Cut as soon as this many records wait. */
  maxRecords: number;
  /** Cut when the oldest waiting record has waited this long. */
  maxWaitMs: number;
}

/**
 * Integration (tessera's word): cuts the sequenced records into batches of contiguous seqs,
 * computes each batch's Merkle root and persists the batch before anything is sent to a chain.
 */
export class Batcher {
  constructor(
    private readonly store: BatchCutLog,
    private readonly operator: string,
    readonly policy: BatchPolicy,
  ) {}

  /** Cuts one batch if the policy says so (or `force` and anything waits); returns it. */
  async cutIfDue(
    options: { force?: boolean; now?: number } = {},
  ): Promise<StoredBatch | undefined> {
    const now = options.now ?? Date.now();
    const index = await this.store.transaction(async (tx) => {
      const from = await this.store.batchedSeq(tx);
      // Decide from two cheap reads before loading any leaves: this runs every poll.
      const [waiting, oldest] = await Promise.all([
        this.store.nextSeq(tx).then((next) => next - from),
        this.store.receivedAtOf(tx, from),
      ]);
      if (waiting <= 0 || oldest === undefined) return undefined;
      const due =
        options.force ||
        waiting >= this.policy.maxRecords ||
        now - Date.parse(oldest) >= this.policy.maxWaitMs;
      if (!due) return undefined;
      const rows = await this.store.leafHashesFrom(tx, from, this.policy.maxRecords);
      // Only a contiguous run from `from`: a seq still in an uncommitted transaction elsewhere
      // must not be skipped, or the batch would leave a hole in the sequence.
      const run = rows.filter((r, i) => r.seq === from + i);
      if (run.length === 0) return undefined;
      const tree = makeTree(
        run.map((r) => Buffer.from(r.leaf_hash, "hex")),
        { sha256: nativeSha256 },
      );
      const batchIndex = await this.store.batchCount(tx);
      await this.store.insertBatch(tx, {
        batch_index: batchIndex,
        first_seq: from,
        count: run.length,
        root: hexlify(rootOf(tree)).slice(2),
        cut_at: new Date(now).toISOString(),
        operator: this.operator,
      });
      return batchIndex;
    });
    if (index !== undefined) failpoint("after-batch-cut");
    return index === undefined ? undefined : this.store.getBatch(index);
  }

  /** Cuts batches until nothing waits (used at shutdown). */
  async flush(): Promise<StoredBatch[]> {
    const cut: StoredBatch[] = [];
    for (
      let batch = await this.cutIfDue({ force: true });
      batch;
      batch = await this.cutIfDue({ force: true })
    )
      cut.push(batch);
    return cut;
  }
}
