import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { getBytes, hexlify, Transaction } from "ethers";
import { headOfBatches, type OnChainBatch } from "../anchoring/head";
import { nativeSha256 } from "../fingerprint";
import { hashLeaf, makeTree, rootOf, sameBatch, sameHex32 } from "../merkle";
import { digestOf, holdsPersonalData, type Json } from "../disclosure";
import {
  derivedRowsOf,
  parseCommittedRecord,
  readStoredRecord,
  type CanonicalRecord,
  toCanonicalBytes,
  type TypedRecord,
} from "../records";
import { compareIndexRows } from "./index-rows";
import { makeStatementVerifier } from "../keys";
import { makeStatementDigester, statementVersion } from "../receipts";
import { checkTokenIntegrity, TimestampError } from "../witnesses/rfc3161";
import type {
  BatchLog,
  ContentStore,
  LedgerBinding,
  RecordIndex,
  RecordRow,
  RecordTable,
  StoredBatch,
  WitnessLog,
} from "../storage";
import type { ChainReader } from "../verify";
import { checkTransaction, isAnchorCall } from "../verify/chain-steps";

export const AUDIT_CHECKS = [
  "sequence",
  "record",
  "disclosure",
  "index",
  "signature",
  "file",
  "batch",
  "witness",
  "chain",
  "head",
] as const;
export type AuditCheck = (typeof AUDIT_CHECKS)[number];

/**
 * A v2 record's kept disclosures against its digests: each must be the disclosure of a digest
 * the record commits to, stored under that digest. Digests left without a disclosure are noted
 * in `undisclosed`; an erasure record must name each (checked once all records are read).
 */
function disclosuresAgainstRecord(
  row: RecordRow,
  committed: CanonicalRecord,
  undisclosed: Map<string, { seq: number; digests: Set<string> }>,
): Discrepancy[] {
  const digests = committedDigests(committed.metadata as Json);
  const found: Discrepancy[] = [];
  for (const d of row.disclosures) {
    if (digestOf(d.disclosure) !== d.digest || !digests.has(d.digest))
      found.push({
        check: "disclosure",
        code: "DISCLOSURE_ALTERED",
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id}: a kept disclosure is not that of a digest the record commits to`,
        details: { digest: d.digest },
      });
    digests.delete(d.digest);
  }
  if (digests.size > 0) undisclosed.set(row.id, { seq: row.seq, digests });
  return found;
}

/** Every digest a committed value stands in for: `_sd` entries and array elements' `...`. */
function committedDigests(node: Json, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const element of node) committedDigests(element, into);
    return into;
  }
  if (node === null || typeof node !== "object") return into;
  for (const [key, inner] of Object.entries(node)) {
    if (key === "_sd" && Array.isArray(inner))
      inner.forEach((d) => typeof d === "string" && into.add(d));
    else if (key === "..." && typeof inner === "string") into.add(inner);
    else committedDigests(inner, into);
  }
  return into;
}

/** One thing found wrong, named precisely enough to act on. */
export const DiscrepancySchema = z.object({
  check: z.enum(AUDIT_CHECKS),
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string(),
  seq: z.number().int().nonnegative().optional(),
  /** With `seq`, the last of a run of missing seqs: one entry per gap, however long. */
  lastSeq: z.number().int().nonnegative().optional(),
  recordId: z.string().optional(),
  sha256: z.string().optional(),
  batchIndex: z.number().int().nonnegative().optional(),
  /** The evidence, where a row or value can be shown (index rows unexpected and missing). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Discrepancy = z.infer<typeof DiscrepancySchema>;

/** An audit's report (format `evidence-audit/v1`, JSON Schema beside this file). */
export const AuditReportSchema = z
  .object({
    format: z.literal("evidence-audit/v1"),
    /** Names this run, so a finding can cite the report it came from. */
    id: z.uuid(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    ledger: z.object({ chainId: z.string(), contract: z.string(), operator: z.string() }),
    counted: z.object({
      records: z.number().int().nonnegative(),
      files: z.number().int().nonnegative(),
      fileBytes: z.number().int().nonnegative(),
      batches: z.number().int().nonnegative(),
      anchoredBatches: z.number().int().nonnegative(),
      /**
       * Records taken in before records committed to personal values (evidence-record/v1) that
       * hold such values in the clear: never handed to the public, and not erasable.
       */
      clearRecords: z.number().int().nonnegative().optional(),
      /** The first of them by seq (up to 1,000): where to look before a request to erase. */
      clearRecordIds: z.array(z.string()).optional(),
      /** Files marked personal whose bytes every record holding them erased, by erasure record. */
      erasedFiles: z.number().int().nonnegative().optional(),
    }),
    ok: z.boolean(),
    discrepancies: z.array(DiscrepancySchema),
  })
  .meta({ id: "AuditReport" });
export type AuditReport = z.infer<typeof AuditReportSchema>;

export interface AuditDeps {
  store: RecordIndex & BatchLog & WitnessLog;
  files: ContentStore;
  binding: LedgerBinding;
  chain: ChainReader;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * Re-derives everything the ledger claims from what it stores, and compares with the chain:
 * every record re-canonicalised and re-hashed, every signature checked, every file re-hashed,
 * every batch root rebuilt from the recomputed leaves and read back from the contract, the
 * sequence checked for gaps and the head chain recomputed (GB/T 39550 5.3-5.5).
 */
export async function runAudit(deps: AuditDeps): Promise<AuditReport> {
  const startedAt = new Date().toISOString();
  const found: Discrepancy[] = [];
  const { store, files, binding } = deps;
  const nextSeq = await store.nextSeq();
  const batches = await store.allBatches();
  const signedByOperator = makeStatementVerifier(binding.operator);
  const statementDigest = makeStatementDigester(binding.chainId, binding.contract);
  // The stored statement (version, deadline) must be what was signed: a moved deadline or a
  // changed version no longer verifies.
  const signedAtIntake = (row: RecordTable): boolean => {
    try {
      const digest = statementDigest(
        statementVersion(row.intake_statement),
        Buffer.from(row.leaf_hash, "hex"),
        row.anchor_deadline,
      );
      return signedByOperator(digest, row.signature);
    } catch {
      return false;
    }
  };

  // Records, in seq order: gaps, canonical form, leaf hash, signature, index rows re-derived.
  const roots = new RootRebuilder(batches);
  const batchOfSeq = batchLocator(batches);
  const digests = new Map<string, { recordId: string; size: number }>();
  let expected = 0;
  let count = 0;
  let clearRecords = 0;
  const clearRecordIds: string[] = [];
  // Digests whose disclosure is gone, by record, until the erasure records are all read.
  const undisclosed = new Map<string, { seq: number; digests: Set<string> }>();
  const erased = new Map<string, Set<string>>();
  /** Per record, the files an erasure record erased; per digest, the records holding it. */
  const erasedFiles = new Map<string, Set<string>>();
  const holders = new Map<string, Set<string>>();
  for await (const row of store.streamRecordsWithIndex()) {
    if (expected < row.seq) found.push(missing(expected, row.seq - 1));
    expected = row.seq + 1;
    count++;
    deps.onProgress?.("records", count, nextSeq);
    let record: TypedRecord;
    let committed: CanonicalRecord;
    let disclosureFindings: Discrepancy[];
    try {
      committed = parseCommittedRecord(row.canonical);
      // An altered disclosure is named as such, and the record read with the others.
      disclosureFindings = disclosuresAgainstRecord(row, committed, undisclosed);
      const altered = new Set(disclosureFindings.map((d) => d.details?.digest));
      record = readStoredRecord({
        canonical: row.canonical,
        disclosures: row.disclosures.filter((d) => !altered.has(d.digest)),
      });
    } catch {
      found.push({
        check: "record",
        code: "RECORD_UNREADABLE",
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id} is not a valid canonical record`,
      });
      continue;
    }
    found.push(...disclosureFindings);
    if (record.kind === "erasure") {
      const target = record.links.find((l) => l.rel === "erases")?.id;
      if (target) {
        erased.set(target, new Set([...(erased.get(target) ?? []), ...record.metadata.digests]));
        erasedFiles.set(
          target,
          new Set([
            ...(erasedFiles.get(target) ?? []),
            ...(record.metadata.files ?? []).map((f) => f.sha256),
          ]),
        );
      }
    }
    if (
      committed.format === "evidence-record/v1" &&
      holdsPersonalData(record.kind, record.metadata as Json)
    ) {
      clearRecords++;
      if (clearRecordIds.length < 1_000) clearRecordIds.push(row.id);
    }
    // The leaf is over the record as committed; everything else reads its disclosed values.
    const leafBytes = hashLeaf(toCanonicalBytes(committed), nativeSha256);
    const leaf = hexlify(leafBytes).slice(2);
    roots.add(row.seq, leafBytes);
    found.push(...columnsAgainstRecord(row, record, batchOfSeq(row.seq)));
    if (record.id !== row.id || record.seq !== row.seq || record.kind !== row.kind) {
      found.push({
        check: "record",
        code: "RECORD_COLUMNS_MISMATCH",
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id}: its columns (id, seq, kind) differ from its canonical form`,
      });
    }
    if (
      !sameHex32(leaf, row.leaf_hash) ||
      new TextDecoder().decode(toCanonicalBytes(committed)) !== row.canonical
    ) {
      found.push({
        check: "record",
        code: "RECORD_ALTERED",
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id} (seq ${row.seq}) no longer hashes to its leaf hash`,
      });
    }
    if (!signedAtIntake(row)) {
      found.push({
        check: "signature",
        code: "SIGNATURE_INVALID",
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id}: the intake signature is not the operator's over its stored statement (leaf hash, anchor deadline)`,
      });
    }
    for (const difference of compareIndexRows(derivedRowsOf(record), row.stored)) {
      found.push({
        check: "index",
        code: difference.code,
        seq: row.seq,
        recordId: row.id,
        message: `record ${row.id}: its ${difference.table} rows differ from what its canonical form implies`,
        details: {
          table: difference.table,
          unexpected: difference.unexpected,
          missing: difference.missing,
        },
      });
    }
    for (const f of record.files) {
      digests.set(f.sha256, { recordId: record.id, size: f.size });
      holders.set(f.sha256, (holders.get(f.sha256) ?? new Set()).add(record.id));
    }
  }
  roots.finish();
  for (const [recordId, { seq, digests }] of undisclosed) {
    const unexplained = [...digests].filter((d) => !erased.get(recordId)?.has(d));
    if (unexplained.length > 0)
      found.push({
        check: "disclosure",
        code: "DISCLOSURE_DELETED",
        seq,
        recordId,
        message: `record ${recordId}: ${unexplained.length} committed value(s) lost their disclosure, and no erasure record names them`,
        details: { digests: unexplained },
      });
  }
  if (expected < nextSeq) found.push(missing(expected, nextSeq - 1));
  // A next seq below the records' hands out a used seq: every submission would fail.
  if (expected > nextSeq)
    found.push({
      check: "sequence",
      code: "NEXT_SEQ_BEHIND",
      seq: nextSeq,
      message: `the ledger's next seq is ${nextSeq}, but records up to seq ${expected - 1} exist`,
    });

  // Files: present, and their bytes still hash to their name.
  let fileBytes = 0;
  let hashed = 0;
  let erasedCount = 0;
  for (const [sha256, { recordId, size }] of digests) {
    deps.onProgress?.("files", ++hashed, digests.size);
    const actual = await hashStored(files, sha256);
    // Bytes every holding record erased must be gone; bytes any record holds must be there.
    const held = [...(holders.get(sha256) ?? [])];
    if (held.every((r) => erasedFiles.get(r)?.has(sha256))) {
      if (actual === undefined) erasedCount++;
      else
        found.push({
          check: "file",
          code: "FILE_NOT_ERASED",
          sha256,
          recordId,
          message: `file ${sha256} was erased (by the erasure records of ${held.join(", ")}) but its bytes are still in the file store; the keeping-period sweeper deletes them, or a new erasure request for the file`,
        });
    } else if (actual === undefined)
      found.push({
        check: "file",
        code: "FILE_MISSING",
        sha256,
        recordId,
        message: `file ${sha256} of record ${recordId} is missing from the file store`,
      });
    else {
      fileBytes += actual.size;
      if (actual.sha256 !== sha256 || actual.size !== size)
        found.push({
          check: "file",
          code: "FILE_ALTERED",
          sha256,
          recordId,
          message: `file ${sha256} of record ${recordId} no longer has that SHA-256`,
        });
    }
  }

  // Batches: contiguous, roots rebuilt from the recomputed leaves, and the same on chain.
  const onChain: OnChainBatch[] = [];
  let batchEnd = 0;
  for (const batch of batches) {
    deps.onProgress?.("batches", batch.batch_index + 1, batches.length);
    if (batch.first_seq !== batchEnd)
      found.push({
        check: "batch",
        code: "BATCH_NOT_CONTIGUOUS",
        batchIndex: batch.batch_index,
        message: `batch ${batch.batch_index} starts at seq ${batch.first_seq}, not ${batchEnd}`,
      });
    batchEnd = batch.first_seq + batch.count;
    const rebuilt = roots.rootOf(batch.batch_index);
    if (!sameHex32(rebuilt, batch.root)) {
      found.push({
        check: "batch",
        code: "BATCH_ROOT_MISMATCH",
        batchIndex: batch.batch_index,
        message: `batch ${batch.batch_index}: the root rebuilt from its records differs from the stored root`,
      });
    }
    found.push(...(await checkWitnesses(store, batch)));
    found.push(...batchAgainstBinding(batch, binding));
    if (batch.status !== "anchored") continue;
    found.push(...(await batchAgainstChain(deps.chain, batch, binding)));
    const chain = await deps.chain.batchOf(binding.contract, binding.operator, batch.batch_index);
    if (!chain) {
      found.push({
        check: "chain",
        code: "BATCH_NOT_ON_CHAIN",
        batchIndex: batch.batch_index,
        message: `batch ${batch.batch_index} is marked anchored but the contract does not hold it`,
      });
      continue;
    }
    onChain.push({
      root: getBytes(chain.root),
      firstSeq: BigInt(chain.firstSeq),
      count: BigInt(chain.count),
      timestamp: BigInt(chain.timestamp),
      blockNumber: BigInt(chain.blockNumber),
    });
    if (!sameBatch(chain, batch) || chain.blockNumber !== batch.block_number) {
      found.push({
        check: "chain",
        code: "BATCH_CHAIN_MISMATCH",
        batchIndex: batch.batch_index,
        message: `batch ${batch.batch_index} stored here differs from batch ${batch.batch_index} on chain`,
      });
    }
  }
  if (
    deps.chain.headOf &&
    deps.chain.batchCount &&
    onChain.length === batches.filter((b) => b.status === "anchored").length
  )
    found.push(...(await checkHead(deps, onChain)));

  return {
    format: "evidence-audit/v1",
    id: randomUUID(),
    startedAt,
    finishedAt: new Date().toISOString(),
    ledger: binding,
    counted: {
      records: count,
      files: digests.size,
      fileBytes,
      batches: batches.length,
      anchoredBatches: onChain.length,
      clearRecords,
      clearRecordIds,
      erasedFiles: erasedCount,
    },
    ok: found.length === 0,
    discrepancies: found,
  };
}

/**
 * The batch's stored witnesses, each re-read against the stored root: a token swapped, altered
 * or restated with another time would be served in every receipt of the batch. (Trust in the
 * TSA is for the verifier to judge, with the roots it trusts.)
 */
async function checkWitnesses(store: WitnessLog, batch: StoredBatch): Promise<Discrepancy[]> {
  const found: Discrepancy[] = [];
  for (const w of await store.witnessesOf(batch.batch_index)) {
    if (w.kind !== "rfc3161") continue;
    try {
      const { facts } = await checkTokenIntegrity(
        new Uint8Array(Buffer.from(w.token, "base64")),
        Buffer.from(batch.root, "hex"),
      );
      if (Date.parse(facts.genTime) !== Date.parse(w.attested_at))
        throw new TimestampError(
          "TSA_TIME_MISMATCH",
          `the row states ${w.attested_at}, the token attests ${facts.genTime}`,
        );
    } catch (error) {
      found.push({
        check: "witness",
        code: "WITNESS_INVALID",
        batchIndex: batch.batch_index,
        message: `batch ${batch.batch_index}: the stored witness from ${w.source} does not hold: ${error instanceof Error ? error.message : String(error)}`,
        details: {
          source: w.source,
          reason: error instanceof TimestampError ? error.code : "TSA_TOKEN_MALFORMED",
        },
      });
    }
  }
  return found;
}

/** A gap in the sequence: the records with these seqs were deleted. */
function missing(seq: number, lastSeq: number): Discrepancy {
  const gap = { check: "sequence", code: "RECORD_MISSING", seq } as const;
  return seq === lastSeq
    ? { ...gap, message: `no record with seq ${seq}: it was deleted` }
    : {
        ...gap,
        lastSeq,
        message: `no records with seq ${seq} to ${lastSeq} (${lastSeq - seq + 1} records): they were deleted`,
      };
}

/**
 * Rebuilds batch roots from leaves streamed in seq order, holding only the open batch's leaves:
 * an audit of millions of records must not keep every leaf. A batch with a leaf missing (a
 * deleted or unreadable record) gets no root, so it cannot match its stored one.
 */
class RootRebuilder {
  private readonly byFirstSeq: StoredBatch[];
  private next = 0;
  private readonly open = new Map<StoredBatch, Uint8Array[]>();
  private readonly roots = new Map<number, string>();

  constructor(batches: readonly StoredBatch[]) {
    this.byFirstSeq = [...batches].sort((a, b) => a.first_seq - b.first_seq);
  }

  add(seq: number, leaf: Uint8Array): void {
    this.closeBefore(seq);
    while (this.next < this.byFirstSeq.length && this.byFirstSeq[this.next]!.first_seq <= seq)
      this.open.set(this.byFirstSeq[this.next++]!, []);
    for (const [batch, leaves] of this.open)
      if (seq < batch.first_seq + batch.count) leaves.push(leaf);
  }

  finish(): void {
    this.closeBefore(Infinity);
  }

  rootOf(batchIndex: number): string | undefined {
    return this.roots.get(batchIndex);
  }

  private closeBefore(seq: number): void {
    for (const [batch, leaves] of this.open) {
      if (batch.first_seq + batch.count > seq) continue;
      this.open.delete(batch);
      if (batch.count > 0 && leaves.length === batch.count)
        this.roots.set(
          batch.batch_index,
          hexlify(rootOf(makeTree(leaves, { sha256: nativeSha256 }))).slice(2),
        );
    }
  }
}

/** Re-hashes a stored file with one reused 8 MiB buffer: no per-chunk allocation, few syscalls. */
async function hashStored(
  files: ContentStore,
  sha256: string,
): Promise<{ sha256: string; size: number } | undefined> {
  const stream = await files.openRead(sha256);
  if (!stream) return undefined;
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * The contract's head against the one recomputed from the anchored batches. The service may
 * anchor while the audit runs, so batches the chain holds past those the audit read are fetched
 * and matched with the ledger's stored batches (stored before they are signed, so any batch of
 * this ledger on chain is in the database): only a batch the ledger does not know is a mismatch.
 */
async function checkHead(deps: AuditDeps, anchored: OnChainBatch[]): Promise<Discrepancy[]> {
  const { binding, chain } = deps;
  // Count and head read twice round, so both come from the same state of the contract.
  for (let attempt = 0; attempt < 5; attempt++) {
    const count = await chain.batchCount!(binding.contract, binding.operator);
    const head = await chain.headOf!(binding.contract, binding.operator);
    if ((await chain.batchCount!(binding.contract, binding.operator)) !== count) continue;
    if (count < anchored.length)
      return [
        {
          check: "head",
          code: "BATCH_COUNT_MISMATCH",
          message: `the contract holds ${count} batches for the operator, the ledger ${anchored.length} anchored`,
        },
      ];
    const batches = [...anchored];
    for (let index = anchored.length; index < count; index++) {
      const onChain = await chain.batchOf(binding.contract, binding.operator, index);
      const stored = await deps.store.getBatch(index);
      if (!onChain || !stored || !sameBatch(onChain, stored))
        return [
          {
            check: "head",
            code: "BATCH_COUNT_MISMATCH",
            batchIndex: index,
            message: `the contract holds batch ${index} for the operator, which this ledger did not make`,
          },
        ];
      batches.push({
        root: getBytes(onChain.root),
        firstSeq: BigInt(onChain.firstSeq),
        count: BigInt(onChain.count),
        timestamp: BigInt(onChain.timestamp),
        blockNumber: BigInt(onChain.blockNumber),
      });
    }
    return sameHex32(hexlify(headOfBatches(batches)), head)
      ? []
      : [
          {
            check: "head",
            code: "HEAD_MISMATCH",
            message: "the head recomputed from the batches differs from the contract's headOf",
          },
        ];
  }
  return [
    {
      check: "head",
      code: "HEAD_UNSTABLE",
      message: "the contract's batch count kept changing while it was read: audit again",
    },
  ];
}

/** The batch covering each seq, by binary search over the batches in seq order. */
function batchLocator(batches: readonly StoredBatch[]): (seq: number) => number | null {
  const sorted = [...batches].sort((a, b) => a.first_seq - b.first_seq);
  return (seq) => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = sorted[mid]!;
      if (seq < b.first_seq) hi = mid - 1;
      else if (seq >= b.first_seq + b.count) lo = mid + 1;
      else return b.batch_index;
    }
    return null;
  };
}

/**
 * The columns the service reads a record by, against its notarised form: a changed
 * `received_at` drops it out of ranges, exports and statistics; a changed `submitter_key` gives
 * it to another key; a changed `batch_index` serves it pending or with another batch's proof.
 */
function columnsAgainstRecord(
  row: RecordTable,
  record: TypedRecord,
  batchIndex: number | null,
): Discrepancy[] {
  const found: Discrepancy[] = [];
  const at = { seq: row.seq, recordId: row.id };
  if (row.received_at !== record.receivedAt)
    found.push({
      check: "record",
      code: "RECORD_RECEIVED_AT_MISMATCH",
      ...at,
      message: `record ${row.id}: received_at ${row.received_at} is not its notarised time ${record.receivedAt}`,
    });
  if (row.submitter_key !== record.submitter.keyId)
    found.push({
      check: "record",
      code: "RECORD_SUBMITTER_MISMATCH",
      ...at,
      message: `record ${row.id}: submitter_key ${row.submitter_key} is not its notarised submitter ${record.submitter.keyId}`,
    });
  if (row.batch_index !== batchIndex)
    found.push({
      check: "record",
      code: "RECORD_BATCH_INDEX_MISMATCH",
      ...at,
      message: `record ${row.id}: batch_index ${row.batch_index} is not the batch covering seq ${row.seq} (${batchIndex})`,
    });
  return found;
}

/** What a batch row says of the ledger itself: its operator, and the transaction it signed. */
function batchAgainstBinding(batch: StoredBatch, binding: LedgerBinding): Discrepancy[] {
  const found: Discrepancy[] = [];
  const at = { check: "batch" as const, batchIndex: batch.batch_index };
  if (batch.operator.toLowerCase() !== binding.operator.toLowerCase())
    found.push({
      ...at,
      code: "BATCH_OPERATOR_MISMATCH",
      message: `batch ${batch.batch_index}: operator ${batch.operator} is not the ledger's ${binding.operator}`,
    });
  if (batch.raw_tx === null) return found;
  let problem: string | undefined;
  try {
    const tx = Transaction.from(batch.raw_tx);
    if (!sameHex32(tx.hash!, batch.tx_hash ?? "")) problem = "it does not hash to tx_hash";
    else if (tx.from?.toLowerCase() !== binding.operator.toLowerCase())
      problem = `it is signed by ${tx.from}, not the operator`;
    else if (tx.to?.toLowerCase() !== binding.contract.toLowerCase())
      problem = `it is sent to ${tx.to}, not the ledger`;
    else if (
      !isAnchorCall(tx.data, {
        root: `0x${batch.root}`,
        firstSeq: batch.first_seq,
        treeSize: batch.count,
      })
    )
      problem = "it is not this batch's anchor call";
  } catch {
    problem = "it is not a signed transaction";
  }
  if (problem)
    found.push({
      ...at,
      code: "BATCH_RAW_TX_MISMATCH",
      message: `batch ${batch.batch_index}: the stored anchor transaction does not hold: ${problem}`,
    });
  return found;
}

/**
 * An anchored batch's transaction and block as the chain has them: receipts are served from
 * these columns, so a changed `tx_hash`, `block_hash` or `block_timestamp` serves receipts that
 * fail verification. The transaction is checked as a verifier checks a receipt's.
 */
async function batchAgainstChain(
  chain: ChainReader,
  batch: StoredBatch,
  binding: LedgerBinding,
): Promise<Discrepancy[]> {
  const found: Discrepancy[] = [];
  const at = { check: "chain" as const, batchIndex: batch.batch_index };
  const tx = await checkTransaction(chain, {
    txHash: batch.tx_hash ?? "",
    operator: binding.operator,
    contract: binding.contract,
    root: `0x${batch.root}`,
    firstSeq: batch.first_seq,
    treeSize: batch.count,
    blockNumber: batch.block_number ?? -1,
    blockHash: batch.block_hash ?? "",
    batchIndex: batch.batch_index,
  });
  if (tx.status !== "pass")
    found.push({
      ...at,
      code: "BATCH_TX_MISMATCH",
      message: `batch ${batch.batch_index}: its stored transaction ${batch.tx_hash} does not hold on chain: ${tx.message}`,
    });
  const block = batch.block_number === null ? undefined : await chain.block(batch.block_number);
  if (!block || block.hash.toLowerCase() !== (batch.block_hash ?? "").toLowerCase())
    found.push({
      ...at,
      code: "BATCH_BLOCK_HASH_MISMATCH",
      message: `batch ${batch.batch_index}: block ${batch.block_number} on chain is not ${batch.block_hash}`,
    });
  else if (block.timestamp !== batch.block_timestamp)
    found.push({
      ...at,
      code: "BATCH_BLOCK_TIME_MISMATCH",
      message: `batch ${batch.batch_index}: block ${batch.block_number} is at ${block.timestamp}, the row says ${batch.block_timestamp}`,
    });
  return found;
}
