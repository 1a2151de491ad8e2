import { z } from "zod";
import { Receipt, RECEIPT_FORMAT } from "./receipt";

/** The receipt format as JSON Schema (draft 2020-12), for verifiers in any language. */
export function receiptJsonSchema(): object {
  return {
    $id: `https://evidence-notary.invalid/schemas/${RECEIPT_FORMAT}.schema.json`,
    title: "Evidence receipt, format evidence-receipt/v1",
    description:
      "A record's receipt: the canonical record (RFC 8785 bytes are the Merkle leaf data), its leaf hash, the operator's intake signature, and once anchored the RFC 9162 inclusion proof and the anchoring transaction.",
    ...z.toJSONSchema(Receipt, { target: "draft-2020-12", io: "input" }),
  };
}
