import { z } from "zod";
import { InvalidInputError } from "../errors";
import { CanonicalRecord, CanonicalRecordV1 } from "../records/canonical";
import { WHOLE_SECOND_UTC } from "./intake-statement";

/**
 * The format of receipts issued now: v3 carries a v2 record (personal values committed to) and
 * the disclosures its reader may see. v1 and v2 receipts, of v1 records, are still read.
 */
export const RECEIPT_FORMAT = "evidence-receipt/v3";
export const RECEIPT_FORMATS = [
  "evidence-receipt/v1",
  "evidence-receipt/v2",
  "evidence-receipt/v3",
] as const;
export type ReceiptFormat = (typeof RECEIPT_FORMATS)[number];

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "32 bytes as 0x-prefixed lowercase hex");
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address as 0x-prefixed hex");

/** The operator's signed promise at intake (DESIGN §4; receipts/intake-statement.ts). */
export const IntakeProof = z.looseObject({
  operator: Address,
  /**
   * v1: EIP-191 personal_sign over the 32 leaf-hash bytes. v2: EIP-712 over
   * IntakeStatement(leafHash, anchorDeadline) in the domain of this chain and contract.
   */
  signature: z.string().regex(/^0x[0-9a-f]{130}$/),
  chainId: z.string().regex(/^\d+$/),
  contract: Address,
  /** The operator promises the record is anchored by then. */
  anchorDeadline: z.iso.datetime(),
});

/** In v2 the deadline is signed, in whole seconds. */
const IntakeProofV2 = IntakeProof.extend({
  anchorDeadline: z.iso
    .datetime()
    .refine(
      (t) => Date.parse(t) % 1000 === 0 && WHOLE_SECOND_UTC.test(t),
      "a UTC time in whole seconds (it is signed as such)",
    ),
});

/** Where the record's batch sits on chain, and the path from its leaf to the batch root. */
export const AnchorProof = z.looseObject({
  batchIndex: z.number().int().nonnegative(),
  firstSeq: z.number().int().nonnegative(),
  treeSize: z.number().int().positive(),
  leafIndex: z.number().int().nonnegative(),
  auditPath: z.array(Hex32),
  root: Hex32,
  chainId: z.string().regex(/^\d+$/),
  contract: Address,
  operator: Address,
  txHash: Hex32,
  blockNumber: z.number().int().nonnegative(),
  blockHash: Hex32,
  blockTimestamp: z.number().int().nonnegative(),
});

/**
 * A witness of the batch root from outside the service (DESIGN §6). RFC 3161 tokens are checked
 * field by field; a type this version does not know is kept and reported "not checked".
 */
export const Rfc3161Witness = z.looseObject({
  type: z.literal("rfc3161"),
  /** The TSA, as the operator configured it (its URL); the token names it too. */
  tsa: z.string().min(1),
  /** The time the token attests (its genTime), restated for readers; checked against it. */
  time: z.iso.datetime(),
  /** The RFC 3161 TimeStampToken (CMS SignedData), DER, base64; its imprint is the root. */
  token: z.base64(),
});
export const Witness = z.union([
  Rfc3161Witness,
  z.looseObject({ type: z.string().refine((t) => t !== "rfc3161") }),
]);
export type Witness = z.infer<typeof Witness>;
export type Rfc3161Witness = z.infer<typeof Rfc3161Witness>;

/** A disclosure (RFC 9901): base64url of `[salt, name, value]` or `[salt, value]`. */
const Disclosure = z.string().regex(/^[A-Za-z0-9_-]+$/, "base64url without padding");

/** Which record format each receipt format carries. */
const RECORD_FORMAT_OF: Record<ReceiptFormat, string> = {
  "evidence-receipt/v1": "evidence-record/v1",
  "evidence-receipt/v2": "evidence-record/v1",
  "evidence-receipt/v3": "evidence-record/v2",
};

const receiptOf = <F extends ReceiptFormat>(format: F, intake: typeof IntakeProof) => {
  const record = (format === "evidence-receipt/v3" ? CanonicalRecord : CanonicalRecordV1).refine(
    (r) => r.format === RECORD_FORMAT_OF[format],
    {
      message: `a ${format} receipt carries an ${RECORD_FORMAT_OF[format]} record`,
      path: ["format"],
    },
  );
  const base = {
    format: z.literal(format),
    record,
    leafHash: Hex32,
    intake,
    ...(format === "evidence-receipt/v3" && {
      /** The disclosures of the record's personal values its reader may see; none for the public. */
      disclosures: z.array(Disclosure).optional(),
    }),
  };
  return z.discriminatedUnion("status", [
    z.looseObject({ ...base, status: z.literal("pending") }),
    z.looseObject({
      ...base,
      status: z.literal("anchored"),
      anchor: AnchorProof,
      witnesses: z.array(Witness).optional(),
    }),
  ]);
};

/**
 * A receipt, pending until its batch is mined, then anchored. Unknown optional fields are kept
 * (loose objects), so a reader of vN still accepts receipts from later vN.x writers.
 */
export const ReceiptV1 = receiptOf("evidence-receipt/v1", IntakeProof);
export const ReceiptV2 = receiptOf("evidence-receipt/v2", IntakeProofV2);
export const ReceiptV3 = receiptOf("evidence-receipt/v3", IntakeProofV2);
export const Receipt = z.union([ReceiptV1, ReceiptV2, ReceiptV3]);
export type Receipt = z.infer<typeof Receipt>;
export type PendingReceipt = Extract<Receipt, { status: "pending" }>;
export type AnchoredReceipt = Extract<Receipt, { status: "anchored" }>;
export type IntakeProof = z.infer<typeof IntakeProof>;
export type AnchorProof = z.infer<typeof AnchorProof>;

/** The version of the intake statement a receipt's signature covers. */
export function statementVersionOf(receipt: Pick<Receipt, "format">): 1 | 2 {
  return receipt.format === "evidence-receipt/v1" ? 1 : 2;
}

/**
 * Loads a receipt from parsed JSON. An unknown format (another major version) is refused with
 * its own code, so a verifier says "unsupported" rather than "tampered".
 */
export function parseReceipt(json: unknown): Receipt {
  const format =
    typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (!RECEIPT_FORMATS.includes(format as ReceiptFormat)) {
    throw new InvalidInputError(
      "RECEIPT_UNSUPPORTED_FORMAT",
      `unsupported receipt format ${JSON.stringify(format)}; expected one of ${RECEIPT_FORMATS.join(", ")}`,
      {
        details: { format },
      },
    );
  }
  // `1e400` parses as Infinity, which no canonical record holds: malformed, not a chain failure.
  const outOfRange = nonFiniteNumberIn(json);
  if (outOfRange !== undefined)
    throw new InvalidInputError("RECEIPT_MALFORMED", `${outOfRange} holds a number out of range`);
  const parsed = (
    format === "evidence-receipt/v1"
      ? ReceiptV1
      : format === "evidence-receipt/v2"
        ? ReceiptV2
        : ReceiptV3
  ).safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError(
      "RECEIPT_MALFORMED",
      `malformed receipt: ${z.prettifyError(parsed.error)}`,
      {
        details: {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
    );
  }
  return parsed.data;
}

/** Where the input holds a non-finite number (`1e400` parses as Infinity), as a path. */
function nonFiniteNumberIn(value: unknown, path = "the receipt"): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFiniteNumberIn(inner, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
