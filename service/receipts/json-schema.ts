import { publishedSchema, schemaFileName } from "../formats/json-schema";
import { ReceiptV1, ReceiptV2, ReceiptV3, type ReceiptFormat } from "./receipt";

const DESCRIPTIONS: Record<ReceiptFormat, string> = {
  "evidence-receipt/v1":
    "A record's receipt: the canonical record (RFC 8785 bytes are the Merkle leaf data), its leaf hash, the operator's intake signature (EIP-191 over the leaf hash), and once anchored the RFC 9162 inclusion proof and the anchoring transaction.",
  "evidence-receipt/v2":
    "A record's receipt: the canonical record (RFC 8785 bytes are the Merkle leaf data), its leaf hash, the operator's intake signature (EIP-712 IntakeStatement(bytes32 leafHash,uint64 anchorDeadline) in the domain EvidenceLedger/1 of the intake's chain and contract), and once anchored the RFC 9162 inclusion proof and the anchoring transaction.",
  "evidence-receipt/v3":
    "A record's receipt, as v2, for an evidence-record/v2: the record's personal values are SD-JWT digests (RFC 9901: `_sd` lists base64url SHA-256 digests of disclosures `[salt, name, value]`, array elements `{\"...\": digest}`, `_sd_alg` at the record's top), and `disclosures` carries those its reader may see. The leaf is over the record as committed; each disclosure must match exactly one digest.",
};

/** A receipt format as JSON Schema (draft 2020-12), for verifiers in any language. */
export function receiptJsonSchema(format: ReceiptFormat): object {
  return publishedSchema({
    format,
    title: "Evidence receipt",
    description: DESCRIPTIONS[format],
    schema: {
      "evidence-receipt/v1": ReceiptV1,
      "evidence-receipt/v2": ReceiptV2,
      "evidence-receipt/v3": ReceiptV3,
    }[format],
  });
}

/** Where each format's schema is published, beside this file. */
export const receiptSchemaFile = (format: ReceiptFormat): string => schemaFileName(format);
