/** Receipts: the versioned proof a record owner keeps. Pure: building and loading, no I/O. */
export {
  assertReceiptV1,
  AnchorProof,
  IntakeProof,
  Receipt,
  RECEIPT_FORMAT,
  type AnchoredReceipt,
  type PendingReceipt,
} from "./receipt";
export { toAnchoredReceipt, toPendingReceipt, type BatchFacts, type IntakeFacts } from "./build";
