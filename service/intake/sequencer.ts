import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { InvalidInputError, OverloadError } from "../errors";
import type { StatementSigner } from "../keys";
import { nativeSha256 } from "../fingerprint";
import { hashLeaf } from "../merkle";
import { failpoint } from "../observability/failpoints";
import { makeIntakeDigester, type StatementVersion } from "../receipts";
import {
  checkLinks,
  derivedRowsOf,
  RECORD_FORMAT,
  toCanonicalBytes,
  type CanonicalRecord,
  type FileDigest,
  type TypedRecord,
  type RecordKind,
  type ValidRecordInput,
} from "../records";
import { KEEPING_YEARS } from "../cases";
import { nextSalt } from "./salts";
import { audienceOf, commitPersonal, isPersonalField, SD_ALG, type Json } from "../disclosure";
import {
  toDerivedTables,
  type NewRecordRow,
  type SequenceLog,
  type StoredDisclosure,
} from "../storage";

export interface Submitter {
  keyId: string;
  name: string;
}

export interface Submission {
  input: ValidRecordInput;
  files: FileDigest[];
  submitter: Submitter;
}

/** A record as committed: everything its intake receipt is built from. */
export interface SealedRecord {
  id: string;
  record: CanonicalRecord;
  seq: number;
  receivedAt: string;
  canonical: string;
  leafHash: string;
  signature: string;
  anchorDeadline: string;
  /** What the signature covers (receipts/intake-statement.ts). */
  statement: StatementVersion;
  /** The disclosures of its personal values: its submitter's receipt carries them all. */
  disclosures: string[];
}

export interface SequencerOptions {
  /** Most records committed in one transaction. */
  maxGroup: number;
  /** Most submissions waiting for a commit; beyond it intake pushes back (503, retry). */
  maxQueue: number;
  /** How long after intake the operator promises the anchor. */
  anchorDeadlineMs: number;
  /** The ledger the intake statements are made for: their EIP-712 domain. */
  ledger: { chainId: string; contract: string };
}

interface Sealed {
  record: SealedRecord;
  row: NewRecordRow;
  /** The intake statement's digest, which the operator signs. */
  digest: Uint8Array;
}

/** A group checked, numbered, sealed and signed, waiting for its turn to commit. */
interface PreparedGroup {
  firstSeq: number;
  records: (Sealed & { waiting: Waiting })[];
}

interface Waiting {
  submission: Submission;
  resolve(record: SealedRecord): void;
  reject(error: unknown): void;
}

/**
 * Sequencing (tessera's word): gives each accepted record its seq and commits it durably, at
 * once. Submissions that arrive while a transaction is in flight wait and share the next one
 * (group commit), so one fsync serves many records and throughput does not hinge on disk latency.
 */
export class Sequencer {
  private queue: Waiting[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private lastReceivedAt = 0;
  private unflushed: { waiting: Waiting; record: SealedRecord }[] = [];
  private flushing: Promise<void> | undefined;
  /** The next seq to hand out; the database confirms it at commit (see `drain`). */
  private nextSeq: number | undefined;

  private readonly digest: (leafHash: Uint8Array, anchorDeadline: string) => Uint8Array;

  constructor(
    private readonly store: SequenceLog,
    private readonly signer: StatementSigner,
    private readonly options: SequencerOptions,
  ) {
    this.digest = makeIntakeDigester(options.ledger.chainId, options.ledger.contract);
  }

  submit(submission: Submission): Promise<SealedRecord> {
    if (this.closed)
      return Promise.reject(
        new OverloadError("SERVICE_SHUTTING_DOWN", "the service is shutting down; retry shortly"),
      );
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new OverloadError("SERVICE_OVERLOADED", "intake is saturated; retry shortly", {
          details: { waiting: this.queue.length },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ submission, resolve, reject });
      this.startDrain();
    });
  }

  private startDrain(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // A submission queued in the instant between the drain's end and this line.
      if (this.queue.length > 0) this.startDrain();
    });
  }

  /** Stops intake and waits for every accepted submission to commit. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
  }

  /**
   * Two stages, one group in each: while a group commits, the next is checked, sealed and
   * signed (off the event loop where the signer can). Sequence numbers are handed out in memory
   * at sealing and confirmed by the database at commit, which alone is authoritative: a group
   * whose numbers no longer match (one before it failed and rolled back) is sealed again with
   * the numbers the database gives, before anyone has seen it. Commits stay in order, and each
   * group is acknowledged once its commit is durable, in order too.
   */
  private async drain(): Promise<void> {
    let committing: Promise<void> = Promise.resolve();
    for (;;) {
      // Yield to the event loop first: the SQLite driver is synchronous, so without this every
      // request would commit alone; after it, all requests parsed meanwhile share one commit.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.queue.length === 0) {
        // Submissions that arrive while the last commit or acknowledgement is pending must not
        // be left behind: this drain is still registered, so no other one would start for them.
        await committing;
        await this.flushing;
        if (this.queue.length === 0) return;
        continue;
      }
      const prepared = this.prepare(this.queue.splice(0, this.options.maxGroup));
      const previous = committing;
      committing = (async () => {
        const group = await prepared;
        await previous;
        this.acknowledge(await this.commit(group));
      })();
      // At most one group prepares while another commits.
      await previous;
    }
  }

  /**
   * Answers committed records once their commit is durable. One flush makes every commit before
   * it durable, so groups committed while a flush runs share the next one instead of each
   * waiting for a flush of its own.
   */
  private acknowledge(sealed: { waiting: Waiting; record: SealedRecord }[]): void {
    this.unflushed.push(...sealed);
    this.flushing ??= (async () => {
      while (this.unflushed.length > 0) {
        const batch = this.unflushed.splice(0);
        try {
          await this.store.flush();
        } catch (error) {
          batch.forEach(({ waiting }) => waiting.reject(error));
          continue;
        }
        failpoint("after-intake-commit");
        batch.forEach(({ waiting, record }) => waiting.resolve(record));
      }
    })().finally(() => (this.flushing = undefined));
  }

  /**
   * Checks a group's links, then seals and signs the records that pass. A linked record is
   * committed if it exists at all: ids are known to clients only from acknowledged receipts.
   */
  private async prepare(group: Waiting[]): Promise<PreparedGroup> {
    try {
      const kinds = await this.store.kindsOf(
        group.flatMap((w) => w.submission.input.links.map((l) => l.id)),
      );
      const accepted = group.filter((w) => {
        const { input } = w.submission;
        const problem = checkLinks(
          input.kind,
          input.links,
          (id) => kinds.get(id) as RecordKind | undefined,
          input.kind === "action" ? input.metadata : undefined,
        );
        if (problem)
          w.reject(
            new InvalidInputError(problem.code, problem.message, {
              details: { link: problem.link },
            }),
          );
        return !problem;
      });
      if (accepted.length === 0) return { firstSeq: 0, records: [] };
      this.nextSeq ??= await this.store.nextSeq();
      const firstSeq = this.nextSeq;
      this.nextSeq += accepted.length;
      const receivedAt = this.nextReceivedAt();
      const unsigned = accepted.map((waiting, i) => ({
        waiting,
        ...this.seal(waiting.submission, firstSeq + i, receivedAt),
      }));
      const signatures = await this.signer.signDigests(unsigned.map((u) => u.digest));
      unsigned.forEach((u, i) => (u.record.signature = u.row.record.signature = signatures[i]!));
      return { firstSeq, records: unsigned };
    } catch (error) {
      group.forEach((w) => w.reject(error));
      return { firstSeq: 0, records: [] };
    }
  }

  /** Commits a prepared group (not yet durably); returns the records it sealed. */
  private async commit(
    group: PreparedGroup,
  ): Promise<{ waiting: Waiting; record: SealedRecord }[]> {
    if (group.records.length === 0) return [];
    let records = group.records;
    try {
      await this.store.transaction(
        async (tx) => {
          const firstSeq = await this.store.reserveSeqs(tx, records.length);
          if (firstSeq !== group.firstSeq) {
            // Numbered after a group that rolled back: seal again from the database's count.
            const receivedAt = this.nextReceivedAt();
            records = records.map(({ waiting, record }, i) => {
              const resealed = this.seal(waiting.submission, firstSeq + i, receivedAt, record.id);
              resealed.record.signature = resealed.row.record.signature = this.signer.signDigest(
                resealed.digest,
              );
              return { waiting, ...resealed };
            });
          }
          this.nextSeq = Math.max(this.nextSeq ?? 0, firstSeq + records.length);
          await this.store.insertRecords(
            tx,
            records.map((r) => r.row),
          );
        },
        { durable: false },
      );
    } catch (error) {
      // Nothing of the group committed: every submission fails with the cause, and numbering
      // starts again from what the database holds.
      records.forEach(({ waiting }) => waiting.reject(error));
      this.nextSeq = await this.store.nextSeq().catch(() => undefined);
      return [];
    }
    return records.map(({ waiting, record }) => ({ waiting, record }));
  }

  /** Intake times never go backwards along the sequence, even if the wall clock does. */
  private nextReceivedAt(): Date {
    this.lastReceivedAt = Math.max(Date.now(), this.lastReceivedAt);
    return new Date(this.lastReceivedAt);
  }

  private seal(
    submission: Submission,
    seq: number,
    receivedAt: Date,
    id: string = uuidv7(),
  ): Sealed {
    const { input, files, submitter } = submission;
    const accepted: TypedRecord = {
      // kind, metadata and links, typed together
      ...input,
      format: RECORD_FORMAT,
      // Time-ordered (RFC 9562 v7): new ids land at the end of the id index, not at random
      // pages of it, which keeps intake fast as the ledger grows.
      id,
      seq,
      receivedAt: receivedAt.toISOString(),
      submitter,
      files,
      nonce: randomBytes(16).toString("hex"),
    };
    const { canonicalRecord, disclosures } = commitToPersonalValues(accepted);
    const bytes = toCanonicalBytes(canonicalRecord);
    const leaf = hashLeaf(bytes, nativeSha256);
    // Whole seconds, as the statement signs it; rounded up, so the promise is never shortened.
    const anchorDeadline = new Date(
      Math.ceil((receivedAt.getTime() + this.options.anchorDeadlineMs) / 1000) * 1000,
    ).toISOString();
    const record: SealedRecord = {
      id: canonicalRecord.id,
      record: canonicalRecord,
      seq,
      receivedAt: canonicalRecord.receivedAt,
      canonical: new TextDecoder().decode(bytes),
      leafHash: Buffer.from(leaf).toString("hex"),
      signature: "", // set once the group's statements are signed
      anchorDeadline,
      statement: 2,
      disclosures: disclosures.map((d) => d.disclosure),
    };
    // Indexes (parties, search terms) come from the record as accepted: the service searches
    // and decides access on what it was told, and erasure removes what came from an erased value.
    const derived = derivedRowsOf(accepted);
    const row: NewRecordRow = {
      record: {
        id: record.id,
        seq,
        kind: input.kind,
        received_at: record.receivedAt,
        submitter_key: submitter.keyId,
        canonical: record.canonical,
        leaf_hash: record.leafHash,
        signature: record.signature,
        anchor_deadline: record.anchorDeadline,
        intake_statement: record.statement,
      },
      ...toDerivedTables(record.id, derived),
      disclosures,
    };
    const keepUntil = keepingFloor(record.receivedAt);
    row.files = row.files.map((f) =>
      canonicalRecord.files[f.position]?.personal ? { ...f, keep_until: keepUntil } : f,
    );
    return { record, row, digest: this.digest(leaf, anchorDeadline) };
  }
}

/**
 * The record as committed (DESIGN §7): every personal value of its metadata replaced by the
 * digest of a disclosure salted with 128 random bits, and the disclosures, kept apart.
 */
function commitToPersonalValues(accepted: TypedRecord): {
  canonicalRecord: CanonicalRecord;
  disclosures: StoredDisclosure[];
} {
  const committed = commitPersonal(
    accepted.metadata as { [key: string]: Json },
    (path, parent) => isPersonalField(accepted.kind, path, parent),
    nextSalt,
    nativeSha256,
  );
  if (committed.disclosures.length === 0) return { canonicalRecord: accepted, disclosures: [] };
  // `_sd_alg` stands at the record's top, not its metadata's (DESIGN §7).
  const metadata = { ...committed.committed };
  delete metadata._sd_alg;
  const keepUntil = keepingFloor(accepted.receivedAt);
  return {
    canonicalRecord: { ...accepted, metadata, _sd_alg: SD_ALG },
    disclosures: committed.disclosures.map((d) => ({
      digest: d.digest,
      disclosure: d.disclosure,
      path: JSON.stringify(d.path),
      audience: audienceOf(d.path),
      keep_until: keepUntil,
    })),
  };
}

/** Art. 31's floor for personal data; the sweeper reads the case's own period, which may be later. */
function keepingFloor(receivedAt: string): string {
  const keepUntil = new Date(receivedAt);
  keepUntil.setUTCFullYear(keepUntil.getUTCFullYear() + KEEPING_YEARS);
  return keepUntil.toISOString();
}
