/** Receipts: the versioned proof a record owner keeps. Pure: building and loading, no I/O. */
export {
  parseReceipt,
  AnchorProof,
  IntakeProof,
  Receipt,
  ReceiptV1,
  ReceiptV2,
  RECEIPT_FORMAT,
  RECEIPT_FORMATS,
  statementVersionOf,
  Rfc3161Witness,
  Witness,
  type ReceiptFormat,
  type AnchoredReceipt,
  type PendingReceipt,
} from "./receipt";
export { toAnchoredReceipt, toPendingReceipt, type BatchFacts, type IntakeFacts } from "./build";
export {
  deadlineSeconds,
  intakeDomain,
  INTAKE_STATEMENT_TYPES,
  makeIntakeDigester,
  makeStatementDigester,
  statementVersion,
  type StatementVersion,
} from "./intake-statement";
