import { hexlify } from "ethers";
import type { Readable } from "node:stream";
import { ForbiddenError, InvalidInputError, InvariantError, NotFoundError } from "../errors";
import type { ApiKey } from "../keys";
import type { Sequencer, Submission } from "../intake";
import { makeTree, rootOf, sameHex32, type MerkleTree } from "../merkle";
import { nativeSha256 } from "../fingerprint";
import { makeStatementVerifier } from "../keys";
import { mayBeShown, type Entitlement } from "../disclosure";
import {
  CanonicalRecord,
  readStoredRecord,
  concernsViewer,
  leafHashOfRecord,
  parseCanonicalRecord,
  parseCommittedRecord,
  type TypedRecord,
} from "../records";
import {
  makeStatementDigester,
  statementVersion,
  toAnchoredReceipt,
  toPendingReceipt,
  type IntakeFacts,
  type Receipt,
  type StatementVersion,
} from "../receipts";
import type {
  BatchWitnessTable,
  ContentStore,
  LedgerBinding,
  LedgerStats,
  LedgerStore,
  RecordRow,
  AnchoredBatch,
  StoredBatch,
} from "../storage";
import type { AnchoringPipeline, Funding } from "../anchoring";

const FUNDING_TTL_MS = 10_000;

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
    lastErrorCode: string | null;
    retryAt: string | null;
  };
}

export interface NotaryDeps {
  store: LedgerStore;
  files: ContentStore;
  sequencer: Sequencer;
  pipeline: AnchoringPipeline;
  binding: LedgerBinding;
  rpcUrl: string | null;
  readHead: () => Promise<string | null>;
  /** The operator's balance and the anchors it pays for; rejects when the chain does not answer. */
  readFunding: () => Promise<Funding>;
  /** The chain's block hash at a height now (undefined past its head); rejects when unreachable. */
  blockHashAt: (blockNumber: number) => Promise<string | undefined>;
}

/** How long a block's hash, read to serve receipts, is trusted before it is read again. */
const BLOCK_CHECK_MS = 1_000;

/** The use cases behind the HTTP routes: routes parse and answer, the notary does. */
export class Notary {
  // Anchored batches never change, so their trees are built once and shared by their receipts.
  private readonly trees = new AnchoredTrees(TREE_CACHE_LEAVES);

  private readonly signedByOperator: (digest: Uint8Array, signature: string) => boolean;
  private readonly statementDigest: ReturnType<typeof makeStatementDigester>;
  private readonly witnessCache = new Map<number, { at: number; witnesses: BatchWitnessTable[] }>();
  private fundingRead: { at: number; value: Promise<Funding | undefined> } | undefined;

  constructor(private readonly deps: NotaryDeps) {
    this.signedByOperator = makeStatementVerifier(deps.binding.operator);
    this.statementDigest = makeStatementDigester(deps.binding.chainId, deps.binding.contract);
  }

  get binding(): LedgerBinding {
    return this.deps.binding;
  }

  async submit(submission: Submission): Promise<{ id: string; receipt: Receipt }> {
    const sealed = await this.deps.sequencer.submit(submission);
    this.deps.pipeline.recordsArrived(1);
    return {
      id: sealed.id,
      receipt: toPendingReceipt({
        ...this.intakeFacts(sealed.record, sealed),
        disclosures: sealed.disclosures,
      }),
    };
  }

  /**
   * The record as notarised, with its anchoring status; its files are those it notarised. The
   * record is shown with the personal values `entitlement` may see ("all" inside the service).
   */
  async getRecord(
    id: string,
    entitlement: Entitlement | ApiKey = "all",
  ): Promise<{
    record: TypedRecord;
    status: "pending" | "anchored";
    batchIndex: number | null;
  }> {
    const { row, record } = await this.notarised(id);
    const batch =
      row.batch_index === null
        ? undefined
        : await this.deps.store.getBatch(Number(row.batch_index));
    const shown =
      entitlement === "all"
        ? record
        : parseCanonicalRecord(row.canonical, this.disclosuresFor(row, record, entitlement));
    return {
      record: shown,
      status: batch?.status === "anchored" ? "anchored" : "pending",
      batchIndex: row.batch_index === null ? null : Number(row.batch_index),
    };
  }

  /** The receipt, with the disclosures its reader may see: none for the public (no key). */
  async getReceipt(id: string, reader: Entitlement | ApiKey = "none"): Promise<Receipt> {
    return this.receiptOf(await this.requireRecord(id), reader);
  }

  /**
   * What a reader may see of a record's personal values (DESIGN §7, README "Who sees what"):
   * the platform, regulators and the record's submitter all that is kept; another party of its
   * case what the law forwards to it; the public nothing.
   */
  entitlementOf(
    record: Pick<CanonicalRecord, "submitter">,
    reader: Entitlement | ApiKey,
  ): Entitlement {
    if (typeof reader === "string") return reader;
    if (reader.role === "platform" || reader.role === "regulator") return "all";
    return record.submitter.keyId === reader.id ? "all" : "case";
  }

  private disclosuresFor(
    row: RecordRow,
    record: Pick<CanonicalRecord, "submitter">,
    reader: Entitlement | ApiKey,
  ): string[] {
    const entitlement = this.entitlementOf(record, reader);
    return row.disclosures
      .filter((d) => mayBeShown(d.audience, entitlement))
      .map((d) => d.disclosure);
  }

  /** The receipt of a record row already read (exports read rows a page at a time). */
  async receiptOf(stored: RecordRow, reader: Entitlement | ApiKey = "none"): Promise<Receipt> {
    const facts = this.storedIntakeFacts(stored, reader);
    const anchored =
      stored.batch_index === null ? undefined : await this.anchoredBatch(stored.batch_index);
    if (!anchored) return toPendingReceipt(facts);
    const { batch, tree } = anchored;
    // A reorg may have taken the anchor's block before the anchoring loop looks again: such a
    // receipt would not verify, so it is pending until its batch is anchored anew. The cached
    // row goes too, so the new anchor is read once stored: whichever replica anchors it again,
    // this one learns of the reorg from the chain, not from being told.
    if (!(await this.blockStillHolds(batch.block_number, batch.block_hash))) {
      this.forgetBatch(batch.batch_index);
      return toPendingReceipt(facts);
    }
    return toAnchoredReceipt(facts, {
      batchIndex: batch.batch_index,
      firstSeq: batch.first_seq,
      tree,
      root: batch.root,
      chainId: this.binding.chainId,
      contract: this.binding.contract,
      operator: this.binding.operator,
      txHash: batch.tx_hash,
      blockNumber: batch.block_number,
      blockHash: batch.block_hash,
      blockTimestamp: batch.block_timestamp,
      witnesses: await this.witnessesOf(batch.batch_index),
    });
  }

  private readonly blockHashes = new Map<
    number,
    { at: number; hash: Promise<string | undefined> }
  >();

  /** Whether the chain still has this block at this height; yes when it cannot be asked. */
  private async blockStillHolds(blockNumber: number, blockHash: string): Promise<boolean> {
    let read = this.blockHashes.get(blockNumber);
    if (!read || Date.now() - read.at >= BLOCK_CHECK_MS) {
      if (this.blockHashes.size >= 256) this.blockHashes.clear();
      read = { at: Date.now(), hash: this.deps.blockHashAt(blockNumber) };
      this.blockHashes.set(blockNumber, read);
    }
    const hash = await read.hash.catch(() => blockHash);
    return hash?.toLowerCase() === blockHash.toLowerCase();
  }

  /** A batch a reorg took off the chain: its cached row no longer holds. */
  private forgetBatch(index: number): void {
    this.trees.delete(index);
    this.witnessCache.delete(index);
  }

  /**
   * A batch's witnesses, read again every couple of seconds at most: a TSA's token may come
   * after the anchor, and an export reads every receipt of a batch one after another.
   */
  private async witnessesOf(batchIndex: number): Promise<BatchWitnessTable[]> {
    const cached = this.witnessCache.get(batchIndex);
    if (cached && Date.now() - cached.at < 2_000) return cached.witnesses;
    const witnesses = await this.deps.store.witnessesOf(batchIndex);
    if (this.witnessCache.size >= 64) this.witnessCache.clear();
    this.witnessCache.set(batchIndex, { at: Date.now(), witnesses });
    return witnesses;
  }

  /** The witnesses stored for a batch (RFC 3161 tokens), as receipts carry them. */
  async batchWitnesses(index: number): Promise<BatchWitnessTable[]> {
    return this.deps.store.witnessesOf(index);
  }

  async getBatch(index: number): Promise<StoredBatch> {
    const batch = await this.deps.store.getBatch(index);
    if (!batch)
      throw new NotFoundError("BATCH_NOT_FOUND", `no batch ${index}`, {
        details: { batchIndex: index },
      });
    return batch;
  }

  /**
   * A record's file, streamed. A file marked personal (an identity card's scan) goes only to a
   * reader entitled to every personal value (README "Who sees what"): the other party of a case
   * is not shown identity documents.
   */
  async openFile(
    recordId: string,
    sha256: string,
    reader: Entitlement | ApiKey = "all",
  ): Promise<{ stream: Readable; name: string; mediaType: string; size: number }> {
    // Name and media type as notarised: an index row edited in the database must not be able
    // to serve evidence as `evil.exe`.
    const { record } = await this.notarised(recordId);
    const file = record.files.find((f) => f.sha256 === sha256);
    if (!file)
      throw new NotFoundError("FILE_NOT_FOUND", `record ${recordId} has no file ${sha256}`, {
        details: { recordId, sha256 },
      });
    if (file.personal && this.entitlementOf(record, reader) !== "all")
      throw new ForbiddenError(
        "FILE_PERSONAL",
        `file ${file.name} of record ${recordId} holds personal data shown only to its submitter, the platform and regulators`,
        { details: { recordId, sha256 } },
      );
    const erasedBy = await this.deps.store.fileErasedBy(recordId, sha256);
    if (erasedBy)
      throw new InvalidInputError(
        "FILE_ERASED",
        `file ${file.name} of record ${recordId} held personal data and was erased by record ${erasedBy}; its digest stands in the record`,
        { details: { recordId, sha256, erasedBy } },
      );
    const stream = await this.deps.files.openRead(sha256);
    if (!stream)
      throw new InvariantError(
        "FILE_MISSING",
        `file ${file.name} of record ${recordId} is missing from the file store; run the audit`,
        { details: { recordId, sha256 } },
      );
    return {
      stream,
      name: file.name,
      mediaType: file.mediaType,
      size: file.size,
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
   * Whether the chain answers now. The anchoring loop only learns of an outage when a step
   * fails, which can be a minute into a wait for a transaction to be mined; readiness asks.
   */
  async chainReachable(): Promise<boolean> {
    return this.deps.readHead().then(
      () => true,
      () => false,
    );
  }

  /**
   * The operator's funding, or undefined when the chain does not answer. Read at most every
   * `FUNDING_TTL_MS`: readiness probes and metric scrapes ask often, a public RPC charges every
   * call, and a balance moves only with the anchors.
   */
  async funding(): Promise<Funding | undefined> {
    if (!this.fundingRead || Date.now() - this.fundingRead.at >= FUNDING_TTL_MS)
      this.fundingRead = {
        at: Date.now(),
        value: this.deps.readFunding().catch(() => undefined),
      };
    const value = await this.fundingRead.value;
    // An unanswered read is not remembered: the next probe asks again.
    if (value === undefined) this.fundingRead = undefined;
    return value;
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
      lastErrorCode: state.lastErrorCode ?? null,
      retryAt: state.retryAt ?? null,
    };
  }

  /**
   * Platforms and regulators read every record; rights holders and merchants read those they
   * submitted or that name one of their parties, and the rest of a case they are party to as
   * far as the law has it forwarded to them (E-Commerce Law arts. 42-43): the evidence linked
   * from a notice or declaration they may read, the declarations answering such a notice, the
   * actions concerning either. Admin keys manage keys only.
   */
  async assertReadable(id: string, key: ApiKey): Promise<void> {
    if (key.role === "platform" || key.role === "regulator") return;
    if (key.role === "admin")
      throw new ForbiddenError("FORBIDDEN_ROLE", "an admin key manages keys and reads no records", {
        details: { role: key.role },
      });
    // Decided on the notarised records, never on the parties or links index alone: a row
    // inserted into an index must not open a record to another merchant.
    const { record } = await this.notarised(id);
    if (!(await this.readableBy(record, key, 2))) {
      throw new ForbiddenError(
        "RECORD_FORBIDDEN",
        `record ${id} neither was submitted with this key, nor names its parties, nor belongs to a case it is party to`,
        { details: { id, role: key.role } },
      );
    }
  }

  /** Whether a party's key may read `record`, directly or through its case (`depth` links). */
  async readableBy(record: CanonicalRecord, key: ApiKey, depth = 2): Promise<boolean> {
    const viewer = { keyId: key.id, parties: key.parties };
    if (concernsViewer(record, viewer)) return true;
    if (depth === 0) return false;
    // The records through which this one is part of a case: what it answers or concerns, and
    // the notices and declarations that link it as their evidence.
    const through = record.links
      .filter((l) => l.rel === "answers" || l.rel === "concerns")
      .map((l) => l.id);
    if (record.kind === "evidence")
      for (const row of await this.deps.store.linkingTo([record.id], "evidence")) {
        const { target } = row;
        const linking = readStoredRecord(row);
        if (
          target === record.id &&
          linking.links.some((l) => l.rel === "evidence" && l.id === record.id)
        )
          through.push(linking.id);
      }
    for (const id of through) {
      const row = await this.deps.store.getRecordRow(id);
      if (!row) continue;
      const other = readStoredRecord(row);
      if (
        (other.kind === "notice" || other.kind === "counter_notice") &&
        (await this.readableBy(other, key, depth - 1))
      )
        return true;
    }
    return false;
  }

  /**
   * The record's row and its canonical form, checked to be what the operator signed at intake:
   * decisions read from it (who may see it, what its files are called) rest on the notarised
   * record, not on rows that could have been edited since.
   */
  private async notarised(id: string): Promise<{ row: RecordRow; record: TypedRecord }> {
    const row = await this.requireRecord(id);
    const leaf = leafHashOfRecord(parseCommittedRecord(row.canonical), nativeSha256);
    if (
      Buffer.from(leaf).toString("hex") !== row.leaf_hash ||
      !this.signedByOperator(
        this.statementDigest(statementVersion(row.intake_statement), leaf, row.anchor_deadline),
        row.signature,
      )
    )
      throw new InvariantError(
        "RECORD_ALTERED",
        `record ${id} no longer matches what the operator signed at intake; run the audit`,
        { details: { id } },
      );
    return { row, record: readStoredRecord(row) };
  }

  /** The record's row (without its files, which most callers do not need), or a 404. */
  private async requireRecord(id: string): Promise<RecordRow> {
    return (await this.deps.store.getRecordRow(id)) ?? recordNotFound(id);
  }

  private intakeFacts(
    record: CanonicalRecord,
    sealed: {
      leafHash: string;
      signature: string;
      anchorDeadline: string;
      statement: StatementVersion;
    },
  ): IntakeFacts {
    return {
      record,
      leafHash: sealed.leafHash,
      statement: sealed.statement,
      intake: {
        operator: this.binding.operator,
        signature: sealed.signature,
        chainId: this.binding.chainId,
        contract: this.binding.contract,
        anchorDeadline: sealed.anchorDeadline,
      },
    };
  }

  private storedIntakeFacts(stored: RecordRow, reader: Entitlement | ApiKey): IntakeFacts {
    const record = parseCommittedRecord(stored.canonical);
    return {
      ...this.intakeFacts(record, {
        leafHash: stored.leaf_hash,
        signature: stored.signature,
        anchorDeadline: stored.anchor_deadline,
        statement: statementVersion(stored.intake_statement),
      }),
      disclosures: this.disclosuresFor(stored, record, reader),
    };
  }

  private async anchoredBatch(
    index: number,
  ): Promise<{ batch: AnchoredBatch; tree: MerkleTree } | undefined> {
    const cached = this.trees.get(index);
    if (cached) return cached;
    const batch = await this.deps.store.getBatch(index);
    if (!batch || batch.status !== "anchored") return undefined;
    const leaves = await this.deps.store.leafHashesOfBatch(batch);
    const tree = makeTree(leaves.map((h) => Buffer.from(h, "hex")));
    // A proof from leaves that do not make the anchored root would be a receipt that fails.
    if (!sameHex32(hexlify(rootOf(tree)), batch.root))
      throw new InvariantError(
        "BATCH_ROOT_MISMATCH",
        `the stored leaves of batch ${index} do not make its anchored root; run the audit`,
        { details: { batchIndex: index } },
      );
    return this.trees.add(index, { batch, tree });
  }
}

/** About 64 MB of trees (64 bytes per leaf, all levels): a million-leaf batch still fits alone. */
const TREE_CACHE_LEAVES = 1_000_000;

/** Least recently used trees of anchored batches, bounded by their total leaves. */
class AnchoredTrees {
  private readonly entries = new Map<number, { batch: AnchoredBatch; tree: MerkleTree }>();
  private leaves = 0;

  constructor(private readonly maxLeaves: number) {}

  get(index: number) {
    const entry = this.entries.get(index);
    if (entry) {
      this.entries.delete(index);
      this.entries.set(index, entry);
    }
    return entry;
  }

  delete(index: number): void {
    const entry = this.entries.get(index);
    if (!entry) return;
    this.entries.delete(index);
    this.leaves -= entry.tree.size;
  }

  add(index: number, entry: { batch: AnchoredBatch; tree: MerkleTree }) {
    this.entries.set(index, entry);
    this.leaves += entry.tree.size;
    for (const [oldest, old] of this.entries) {
      if (this.leaves <= this.maxLeaves || oldest === index) break;
      this.entries.delete(oldest);
      this.leaves -= old.tree.size;
    }
    return entry;
  }
}

function recordNotFound(id: string): never {
  throw new NotFoundError("RECORD_NOT_FOUND", `no record ${id}`, { details: { id } });
}
