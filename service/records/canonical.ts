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

export const FileDigest = z.strictObject({
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FileDigest = z.infer<typeof FileDigest>;

/**
 * The record envelope a leaf commits to (DESIGN §1). Everything a verifier needs is in it; its
 * RFC 8785 serialisation is the leaf data, so a receipt carrying it is self-contained.
 */
export const CanonicalRecord = z
  .strictObject({
    format: z.enum(RECORD_FORMATS),
    id: z.uuid(),
    seq: z.number().int().nonnegative(),
    kind: z.enum(LEDGER_KINDS as [RecordKind, ...RecordKind[]]),
    receivedAt: z.iso.datetime(),
    submitter: z.strictObject({ keyId: z.string(), name: z.string() }),
    metadata: z.record(z.string(), z.unknown()),
    files: z.array(FileDigest),
    links: z.array(Link),
    /** 16 random bytes, hex: hides low-entropy records from brute force through sibling hashes. */
    nonce: z.string().regex(/^[0-9a-f]{32}$/),
    /** v2, when any value was committed to: how its disclosures are digested. */
    _sd_alg: z.literal("sha-256").optional(),
  })
  .refine((r) => r._sd_alg === undefined || r.format !== "evidence-record/v1", {
    message: "a v1 record commits to no value (_sd_alg is v2's)",
    path: ["_sd_alg"],
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
