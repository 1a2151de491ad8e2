import type { ReadStream } from "node:fs";
import { ForbiddenError, NotFoundError } from "../errors";
import type { ApiKey } from "../keys";
import type { Sequencer, Submission } from "../intake";
import { CanonicalRecord } from "../records";
import { toAnchoredReceipt, toPendingReceipt, type IntakeFacts, type Receipt } from "../receipts";
import type {
  FileStore,
  LedgerBinding,
  LedgerStats,
  LedgerStore,
  StoredBatch,
  StoredRecord,
} from "../storage";
import type { AnchoringPipeline } from "./pipeline";

export interface LedgerInfo {
  chainId: string;
  contract: string;
  operator: string;
  nextSeq: number;
  batchCount: number;
  anchoredBatches: number;
  anchoredSeq: number;
  head: string | null;
  rpcUrl: string | null;
  anchoring: {
    /** Records accepted but not yet anchored. */
    lagRecords: number;
    /** Age of the oldest record not yet anchored, in seconds. */
    lagSeconds: number;
    consecutiveFailures: number;
    lastError: string | null;
    retryAt: string | null;
  };
}

export interface NotaryDeps {
  store: LedgerStore;
  files: FileStore;
  sequencer: Sequencer;
  pipeline: AnchoringPipeline;
  binding: LedgerBinding;
  rpcUrl: string | null;
  readHead: () => Promise<string | null>;
}

/** The use cases behind the HTTP routes: routes parse and answer, the notary does. */
export class Notary {
  // Batches are immutable once anchored, so their leaves can be cached for receipt building.
  private readonly leafCache = new Map<number, string[]>();

  constructor(private readonly deps: NotaryDeps) {}

  get binding(): LedgerBinding {
    return this.deps.binding;
  }

  async submit(submission: Submission): Promise<{ id: string; receipt: Receipt }> {
    const sealed = await this.deps.sequencer.submit(submission);
    this.deps.pipeline.recordsArrived(1);
    return {
      id: sealed.id,
      receipt: toPendingReceipt(this.intakeFacts(sealed.record, sealed)),
    };
  }

  async getRecord(id: string): Promise<{
    record: CanonicalRecord;
    status: "pending" | "anchored";
    batchIndex: number | null;
    files: StoredRecord["files"];
  }> {
    const stored = await this.requireRecord(id);
    const batch =
      stored.batch_index === null
        ? undefined
        : await this.deps.store.getBatch(Number(stored.batch_index));
    return {
      record: CanonicalRecord.parse(JSON.parse(stored.canonical)),
      status: batch?.status === "anchored" ? "anchored" : "pending",
      batchIndex: stored.batch_index === null ? null : Number(stored.batch_index),
      files: stored.files,
    };
  }

  async getReceipt(id: string): Promise<Receipt> {
    const stored = await this.requireRecord(id);
    const facts = this.storedIntakeFacts(stored);
    const batch =
      stored.batch_index === null
        ? undefined
        : await this.deps.store.getBatch(Number(stored.batch_index));
    if (!batch || batch.status !== "anchored") return toPendingReceipt(facts);
    return toAnchoredReceipt(facts, {
      batchIndex: batch.batch_index,
      firstSeq: batch.first_seq,
      leafHashes: await this.leavesOf(batch),
      root: batch.root,
      chainId: this.binding.chainId,
      contract: this.binding.contract,
      operator: this.binding.operator,
      txHash: batch.tx_hash!,
      blockNumber: batch.block_number!,
      blockHash: batch.block_hash!,
      blockTimestamp: batch.block_timestamp!,
    });
  }

  async getBatch(index: number): Promise<StoredBatch> {
    const batch = await this.deps.store.getBatch(index);
    if (!batch)
      throw new NotFoundError("BATCH_NOT_FOUND", `no batch ${index}`, {
        details: { batchIndex: index },
      });
    return batch;
  }

  async openFile(
    recordId: string,
    sha256: string,
  ): Promise<{ stream: ReadStream; name: string; mediaType: string; size: number }> {
    await this.requireRecord(recordId);
    const file = await this.deps.store.recordHasFile(recordId, sha256);
    if (!file)
      throw new NotFoundError("FILE_NOT_FOUND", `record ${recordId} has no file ${sha256}`, {
        details: { recordId, sha256 },
      });
    return {
      stream: this.deps.files.openRead(sha256),
      name: file.name,
      mediaType: file.media_type,
      size: Number(file.size),
    };
  }

  async info(): Promise<LedgerInfo> {
    const stats = await this.deps.store.stats();
    return {
      ...this.binding,
      nextSeq: stats.nextSeq,
      batchCount: stats.batchCount,
      anchoredBatches: stats.anchoredBatches,
      anchoredSeq: stats.anchoredSeq,
      head: await this.deps.readHead().catch(() => null),
      rpcUrl: this.deps.rpcUrl,
      anchoring: this.lagOf(stats),
    };
  }

  /**
   * How far anchoring is behind, from the database alone: readiness probes and metric scrapes
   * ask often and must not wait on the chain.
   */
  async lag(): Promise<LedgerInfo["anchoring"]> {
    return this.lagOf(await this.deps.store.stats());
  }

  private lagOf(stats: LedgerStats): LedgerInfo["anchoring"] {
    const state = this.deps.pipeline.state;
    return {
      lagRecords: stats.nextSeq - stats.anchoredSeq,
      lagSeconds: stats.oldestUnanchoredAt
        ? Math.max(0, (Date.now() - Date.parse(stats.oldestUnanchoredAt)) / 1000)
        : 0,
      consecutiveFailures: state.consecutiveFailures,
      lastError: state.lastError ?? null,
      retryAt: state.retryAt ?? null,
    };
  }

  /**
   * Platforms and regulators read every record; rights holders and merchants read those they
   * submitted or that name one of their parties; admin keys manage keys only.
   */
  async assertReadable(id: string, key: ApiKey): Promise<void> {
    if (key.role === "platform" || key.role === "regulator") return;
    if (key.role === "admin")
      throw new ForbiddenError("FORBIDDEN_ROLE", "an admin key manages keys and reads no records", {
        details: { role: key.role },
      });
    await this.requireRecord(id);
    if (!(await this.deps.store.concerns(id, { keyId: key.id, parties: key.parties }))) {
      throw new ForbiddenError(
        "RECORD_FORBIDDEN",
        `record ${id} neither was submitted with this key nor names its parties`,
        { details: { id, role: key.role } },
      );
    }
  }

  private async requireRecord(id: string): Promise<StoredRecord> {
    const stored = await this.deps.store.getRecord(id);
    if (!stored)
      throw new NotFoundError("RECORD_NOT_FOUND", `no record ${id}`, { details: { id } });
    return stored;
  }

  private intakeFacts(
    record: CanonicalRecord,
    sealed: { leafHash: string; signature: string; anchorDeadline: string },
  ): IntakeFacts {
    return {
      record,
      leafHash: sealed.leafHash,
      intake: {
        operator: this.binding.operator,
        signature: sealed.signature,
        chainId: this.binding.chainId,
        contract: this.binding.contract,
        anchorDeadline: sealed.anchorDeadline,
      },
    };
  }

  private storedIntakeFacts(stored: StoredRecord): IntakeFacts {
    return this.intakeFacts(CanonicalRecord.parse(JSON.parse(stored.canonical)), {
      leafHash: stored.leaf_hash,
      signature: stored.signature,
      anchorDeadline: stored.anchor_deadline,
    });
  }

  private async leavesOf(batch: StoredBatch): Promise<string[]> {
    let leaves = this.leafCache.get(batch.batch_index);
    if (!leaves) {
      leaves = await this.deps.store.leafHashesOfBatch(batch);
      if (this.leafCache.size >= 64) this.leafCache.delete(this.leafCache.keys().next().value!);
      this.leafCache.set(batch.batch_index, leaves);
    }
    return leaves;
  }
}
