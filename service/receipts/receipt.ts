import { z } from "zod";
import { InvalidInputError } from "../errors";
import { CanonicalRecord } from "../records/canonical";

export const RECEIPT_FORMAT = "evidence-receipt/v1";

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "32 bytes as 0x-prefixed lowercase hex");
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address as 0x-prefixed hex");

/** The operator's signed promise at intake (DESIGN §4). */
export const IntakeProof = z.looseObject({
  operator: Address,
  /** EIP-191 personal_sign signature over the 32 leaf-hash bytes. */
  signature: z.string().regex(/^0x[0-9a-f]{130}$/),
  chainId: z.string().regex(/^\d+$/),
  contract: Address,
  /** The operator promises the record is anchored by then. */
  anchorDeadline: z.iso.datetime(),
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

const ReceiptBase = {
  format: z.literal(RECEIPT_FORMAT),
  record: CanonicalRecord,
  leafHash: Hex32,
  intake: IntakeProof,
};

/**
 * A receipt, pending until its batch is mined, then anchored. Unknown optional fields are kept
 * (loose objects), so a reader of v1 still accepts receipts from later v1.x writers.
 */
export const Receipt = z.discriminatedUnion("status", [
  z.looseObject({ ...ReceiptBase, status: z.literal("pending") }),
  z.looseObject({ ...ReceiptBase, status: z.literal("anchored"), anchor: AnchorProof }),
]);
export type Receipt = z.infer<typeof Receipt>;
export type PendingReceipt = Extract<Receipt, { status: "pending" }>;
export type AnchoredReceipt = Extract<Receipt, { status: "anchored" }>;
export type IntakeProof = z.infer<typeof IntakeProof>;
export type AnchorProof = z.infer<typeof AnchorProof>;

/**
 * Loads a receipt from parsed JSON. An unknown format (another major version) is refused with
 * its own code, so a verifier says "unsupported" rather than "tampered".
 */
export function assertReceiptV1(json: unknown): Receipt {
  const format =
    typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format !== RECEIPT_FORMAT) {
    throw new InvalidInputError(
      "RECEIPT_UNSUPPORTED_FORMAT",
      `unsupported receipt format ${JSON.stringify(format)}; expected ${RECEIPT_FORMAT}`,
      {
        details: { format },
      },
    );
  }
  const parsed = Receipt.safeParse(json);
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
