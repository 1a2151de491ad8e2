/** Verification anyone can run: pure steps over a receipt, file digests and a chain reader. */
export type { ChainReader, OnChainBatchView, OnChainTransaction } from "./reader";
export {
  DEV_CHAIN_IDS,
  PUBLIC_CHAIN_IDS,
  verifyReceipt,
  type StepName,
  type StepResult,
  type StepStatus,
  type Verdict,
  type Verification,
  type VerifyInput,
  type WitnessReport,
} from "./verifier";
export { isPublishedLedgerCode, PUBLISHED_LEDGER_BUILDS } from "./ledger-code";
export { fieldName, recordLines, type RecordLine } from "./record-view";
