import type { z } from "zod";
import { InvariantError } from "../errors";
import { CanonicalRecord } from "./canonical";
import { ExportMetadata, METADATA_SCHEMAS, type RecordKind } from "./kinds";

/** Each kind's metadata schema, the service's own `export` included. */
const SCHEMAS = { ...METADATA_SCHEMAS, export: ExportMetadata } as const;

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
 * Reads a stored canonical record (its JSON text, or parsed) as a typed record: the envelope
 * checked as every verifier checks it, the metadata against its kind's schema. The object is
 * returned as stored, never as the schema would rewrite it, so its hash is the notarised one.
 * A record that no longer fits is the ledger contradicting itself: RECORD_UNREADABLE.
 */
export function parseCanonicalRecord(stored: string | unknown): TypedRecord {
  let json: unknown;
  try {
    json = typeof stored === "string" ? JSON.parse(stored) : stored;
  } catch {
    throw unreadable("it is not JSON");
  }
  const envelope = CanonicalRecord.safeParse(json);
  if (!envelope.success) throw unreadable(envelope.error.issues[0]?.message ?? "bad envelope");
  const record = envelope.data;
  const metadata = SCHEMAS[record.kind].safeParse(record.metadata);
  if (!metadata.success)
    throw unreadable(
      `its ${record.kind} metadata does not fit: ${metadata.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      record.id,
    );
  return record as TypedRecord;
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
