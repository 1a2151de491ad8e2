import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { InvalidInputError } from "../errors";
import type { LeafSigner } from "../keys";
import { nativeSha256 } from "../fingerprint";
import { hashLeaf } from "../merkle";
import { failpoint } from "../observability/failpoints";
import {
  checkLinks,
  derivedRowsOf,
  RECORD_FORMAT,
  toCanonicalBytes,
  type CanonicalRecord,
  type FileDigest,
  type RecordKind,
  type ValidRecordInput,
} from "../records";
import { toDerivedTables, type LedgerStore, type NewRecordRow } from "../storage";

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
}

export interface SequencerOptions {
  /** Most records committed in one transaction. */
  maxGroup: number;
  /** Most submissions waiting for a commit; beyond it intake pushes back (503, retry). */
  maxQueue: number;
  /** How long after intake the operator promises the anchor. */
  anchorDeadlineMs: number;
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

  constructor(
    private readonly store: LedgerStore,
    private readonly signer: LeafSigner,
    private readonly options: SequencerOptions,
  ) {}

  submit(submission: Submission): Promise<SealedRecord> {
    if (this.closed)
      return Promise.reject(
        new InvalidInputError(
          "SERVICE_SHUTTING_DOWN",
          "the service is shutting down; retry shortly",
        ),
      );
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new InvalidInputError("SERVICE_OVERLOADED", "intake is saturated; retry shortly", {
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

  private async drain(): Promise<void> {
    // Each group is acknowledged once its commit is durable; meanwhile the next group commits,
    // so the disk flush of one group overlaps the work of the next. Acknowledgements stay in order.
    let acknowledged: Promise<void> = Promise.resolve();
    for (;;) {
      // Yield to the event loop first: the SQLite driver is synchronous, so without this every
      // request would commit alone; after it, all requests parsed meanwhile share one commit.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.queue.length === 0) {
        // Submissions that arrive while the last acknowledgement is pending must not be left
        // behind: this drain is still registered, so no other one would start for them.
        await acknowledged;
        if (this.queue.length === 0) return;
        continue;
      }
      const sealed = await this.commit(this.queue.splice(0, this.options.maxGroup));
      if (sealed.length > 0) acknowledged = acknowledged.then(() => this.acknowledge(sealed));
    }
  }

  private async acknowledge(sealed: { waiting: Waiting; record: SealedRecord }[]): Promise<void> {
    try {
      await this.store.flush();
    } catch (error) {
      sealed.forEach(({ waiting }) => waiting.reject(error));
      return;
    }
    failpoint("after-intake-commit");
    sealed.forEach(({ waiting, record }) => waiting.resolve(record));
  }

  /** Commits a group (not yet durably); returns the records it sealed. */
  private async commit(group: Waiting[]): Promise<{ waiting: Waiting; record: SealedRecord }[]> {
    const sealed: { waiting: Waiting; record: SealedRecord }[] = [];
    try {
      await this.store.transaction(
        async (tx) => {
          const kinds = await this.store.kindsOf(
            tx,
            group.flatMap((w) => w.submission.input.links.map((l) => l.id)),
          );
          const accepted = group.filter((w) => {
            const { kind, links } = w.submission.input;
            const problem = checkLinks(
              kind,
              links,
              (id) => kinds.get(id) as RecordKind | undefined,
            );
            if (problem)
              w.reject(
                new InvalidInputError(problem.code, problem.message, {
                  details: { link: problem.link },
                }),
              );
            return !problem;
          });
          if (accepted.length === 0) return;
          const firstSeq = await this.store.reserveSeqs(tx, accepted.length);
          const receivedAt = this.nextReceivedAt();
          const rows: NewRecordRow[] = accepted.map((waiting, i) => {
            const { record, row } = this.seal(waiting.submission, firstSeq + i, receivedAt);
            sealed.push({ waiting, record });
            return row;
          });
          await this.store.insertRecords(tx, rows);
        },
        { durable: false },
      );
    } catch (error) {
      // Nothing of the group committed: every still-waiting submission fails with the cause.
      group.forEach((w) => w.reject(error));
      return [];
    }
    return sealed;
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
  ): { record: SealedRecord; row: NewRecordRow } {
    const { input, files, submitter } = submission;
    const canonicalRecord: CanonicalRecord = {
      format: RECORD_FORMAT,
      // Time-ordered (RFC 9562 v7): new ids land at the end of the id index, not at random
      // pages of it, which keeps intake fast as the ledger grows.
      id: uuidv7(),
      seq,
      kind: input.kind,
      receivedAt: receivedAt.toISOString(),
      submitter,
      metadata: input.metadata,
      files,
      links: input.links,
      nonce: randomBytes(16).toString("hex"),
    };
    const bytes = toCanonicalBytes(canonicalRecord);
    const leaf = hashLeaf(bytes, nativeSha256);
    const record: SealedRecord = {
      id: canonicalRecord.id,
      record: canonicalRecord,
      seq,
      receivedAt: canonicalRecord.receivedAt,
      canonical: new TextDecoder().decode(bytes),
      leafHash: Buffer.from(leaf).toString("hex"),
      signature: this.signer.signLeaf(leaf),
      anchorDeadline: new Date(receivedAt.getTime() + this.options.anchorDeadlineMs).toISOString(),
    };
    const derived = derivedRowsOf(canonicalRecord);
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
      },
      ...toDerivedTables(record.id, derived),
    };
    return { record, row };
  }
}
