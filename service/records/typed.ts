import type { z } from "zod";
import { InvariantError } from "../errors";
import { DisclosureError, revealDisclosed, type Json } from "../disclosure";
import { CanonicalRecord } from "./canonical";
import { ErasureMetadata, ExportMetadata, METADATA_SCHEMAS, type RecordKind } from "./kinds";

/** Each kind's metadata schema, the service's own `export` included. */
const SCHEMAS = { ...METADATA_SCHEMAS, export: ExportMetadata, erasure: ErasureMetadata } as const;

/**
 * The metadata of a kind as it was accepted: the schema's input type, because a record is read
 * back exactly as notarised (defaults were applied at intake; nothing is added on reading).
 */
export type MetadataOf<K extends RecordKind> = z.input<(typeof SCHEMAS)[K]>;

/** A canonical record whose metadata has its kind's type: narrow on `kind` to read it. */
export type TypedRecord = {
  [K in RecordKind]: Omit<CanonicalRecord, "kind" | "metadata"> & {
    kind: K;
    metadata: MetadataOf<K>;
  };
}[RecordKind];

export type RecordOf<K extends RecordKind> = Extract<TypedRecord, { kind: K }>;

/**
 * Reads a stored canonical record (its JSON text, or parsed) as notarised: the envelope checked
 * as every verifier checks it, nothing else. Its RFC 8785 bytes are the leaf's data; in a v2
 * record its personal values are digests (`parseCanonicalRecord` puts them back).
 */
export function parseCommittedRecord(stored: string | unknown): CanonicalRecord {
  let json: unknown;
  try {
    json = typeof stored === "string" ? JSON.parse(stored) : stored;
  } catch {
    throw unreadable("it is not JSON");
  }
  const envelope = CanonicalRecord.safeParse(json);
  if (!envelope.success) throw unreadable(envelope.error.issues[0]?.message ?? "bad envelope");
  return envelope.data;
}

/**
 * Reads a stored canonical record as a typed record, with the personal values its disclosures
 * give put back (a v2 record; a v1 record holds them already), the metadata checked against its
 * kind's schema. The object is the record as accepted, never as the schema would rewrite it.
 * A value erased since (its disclosure deleted) is absent: such a record is read as it stands,
 * its metadata no longer checked whole. A record or disclosure that no longer fits is the
 * ledger contradicting itself: RECORD_UNREADABLE. Never hash what this returns: the leaf is
 * over the committed record (`parseCommittedRecord`).
 */
export function parseCanonicalRecord(
  stored: string | unknown,
  disclosures: readonly string[] = [],
): TypedRecord {
  const committed = parseCommittedRecord(stored);
  let record: CanonicalRecord = committed;
  let complete = true;
  if (committed._sd_alg !== undefined) {
    let revealed;
    try {
      revealed = revealDisclosed(committed.metadata as { [key: string]: Json }, disclosures);
    } catch (error) {
      if (!(error instanceof DisclosureError)) throw error;
      throw unreadable(`a disclosure does not fit it (${error.code})`, committed.id);
    }
    record = { ...committed, metadata: revealed.revealed };
    delete record._sd_alg;
    complete = revealed.hidden.length === 0;
  }
  const metadata = SCHEMAS[record.kind].safeParse(record.metadata);
  if (complete && !metadata.success)
    throw unreadable(
      `its ${record.kind} metadata does not fit: ${metadata.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      record.id,
    );
  return record as TypedRecord;
}

/** A stored record and the disclosures kept for it, as the store reads them. */
export interface StoredRecordText {
  canonical: string;
  disclosures?: readonly { disclosure: string }[];
}

/** `parseCanonicalRecord` over a stored row: its record with every disclosure still kept. */
export function readStoredRecord(row: StoredRecordText): TypedRecord {
  return parseCanonicalRecord(
    row.canonical,
    (row.disclosures ?? []).map((d) => d.disclosure),
  );
}

/** Narrows a typed record to one kind. */
export function isKind<K extends RecordKind>(record: TypedRecord, kind: K): record is RecordOf<K> {
  return record.kind === kind;
}

function unreadable(why: string, id?: string): InvariantError {
  return new InvariantError(
    "RECORD_UNREADABLE",
    `a stored record${id ? ` (${id})` : ""} cannot be read: ${why}; run the audit`,
    { details: id ? { id } : {} },
  );
}
