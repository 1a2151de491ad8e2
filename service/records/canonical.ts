import canonicalize from "canonicalize";
import { z } from "zod";
import { InvariantError } from "../errors";
import { hashLeaf, type Sha256 } from "../merkle";
import { LEDGER_KINDS, type RecordKind } from "./kinds";
import { Link } from "./links";

/**
 * v2 commits to personal values instead of holding them (DESIGN §7): each is a salted SD-JWT
 * digest in its object's `_sd`, and `_sd_alg` stands at the record's top. v1 records, taken in
 * before, hold them in the clear and are read as they are.
 */
export const RECORD_FORMAT = "evidence-record/v2";
export const RECORD_FORMATS = ["evidence-record/v1", RECORD_FORMAT] as const;

const FileDigestV1 = z.strictObject({
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export const FileDigest = FileDigestV1.extend({
  /**
   * v2: the file holds personal data (an identity card's scan): its bytes can be erased like a
   * personal value (DESIGN §7), its digest stays. Said in the record, so whoever finds the bytes
   * gone can read that they were meant to go.
   */
  personal: z.literal(true).optional(),
});
export type FileDigest = z.infer<typeof FileDigest>;

const envelope = <F extends typeof FileDigestV1>(file: F) =>
  z.strictObject({
    format: z.enum(RECORD_FORMATS),
    id: z.uuid(),
    seq: z.number().int().nonnegative(),
    kind: z.enum(LEDGER_KINDS as [RecordKind, ...RecordKind[]]),
    receivedAt: z.iso.datetime(),
    submitter: z.strictObject({ keyId: z.string(), name: z.string() }),
    metadata: z.record(z.string(), z.unknown()),
    files: z.array(file),
    links: z.array(Link),
    /** 16 random bytes, hex: hides low-entropy records from brute force through sibling hashes. */
    nonce: z.string().regex(/^[0-9a-f]{32}$/),
    /** v2, when any value was committed to: how its disclosures are digested. */
    _sd_alg: z.literal("sha-256").optional(),
  });
const V1_COMMITS_TO_NOTHING = {
  message: "a v1 record commits to no value (_sd_alg is v2's)",
  path: ["_sd_alg"],
};

/** A record as v1 wrote it, and as v1 and v2 receipts carry it: no file marked personal. */
export const CanonicalRecordV1 = envelope(FileDigestV1).refine(
  (r) => r._sd_alg === undefined || r.format !== "evidence-record/v1",
  V1_COMMITS_TO_NOTHING,
);

/**
 * The record envelope a leaf commits to (DESIGN §1). Everything a verifier needs is in it; its
 * RFC 8785 serialisation is the leaf data, so a receipt carrying it is self-contained.
 */
export const CanonicalRecord = envelope(FileDigest)
  .refine(
    (r) => r._sd_alg === undefined || r.format !== "evidence-record/v1",
    V1_COMMITS_TO_NOTHING,
  )
  .refine((r) => r.format !== "evidence-record/v1" || r.files.every((f) => !f.personal), {
    message: "a v1 record marks no file personal (personal is v2's)",
    path: ["files"],
  });
export type CanonicalRecord = z.infer<typeof CanonicalRecord>;

/** RFC 8785 (JCS) bytes of a record: the exact bytes the Merkle leaf commits to. */
export function toCanonicalBytes(record: CanonicalRecord): Uint8Array {
  const json = canonicalize(record);
  if (json === undefined)
    throw new InvariantError("CANONICAL_JSON_INVALID", "the record is not serialisable as JSON");
  return new TextEncoder().encode(json);
}

/** The Merkle leaf hash of a record: SHA-256(0x00 ‖ JCS bytes). */
export function leafHashOfRecord(record: CanonicalRecord, sha256?: Sha256): Uint8Array {
  return hashLeaf(toCanonicalBytes(record), sha256);
}
