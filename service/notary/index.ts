export { Notary, type LedgerInfo, type NotaryDeps } from "./notary";
export { linkedRecords } from "./linked-records";
export { searchRecords } from "./search";
export { assembleCase, maliciousFlagsOf } from "./case-records";
export { tallyStatistics } from "./statistics";
export { makeArchiveSlots, makeExports } from "./exports";
export { makeAudits } from "./audits";
export {
  makeRecordSubmissions,
  type RecordSubmissions,
  type SubmissionOutcome,
} from "./submission";
export { loadRegisters, recordsOfKinds } from "./registers";
export { assembleBinder } from "./binder";
export { makePublicRecords, type PublicRecords } from "./publications";
export {
  certificateImages,
  issueCertificate,
  lookUpCertificate,
  verifyLinks,
} from "./certificates";
export { makeBundles, type Bundles } from "./bundles";
export { actionEvents, anchoredEvents, deadlineEvents } from "./webhook-events";
export {
  makeCaseDesk,
  type CaseDesk,
  type CaseListQuery,
  type CaseRules,
  type CaseSummary,
} from "./case-desk";
export {
  eraseValues,
  erasuresOf,
  ErasureRequest,
  finishFileErasures,
  type Erased,
} from "./erasures";
export { sweepKeepingPeriods, KEEPING_SWEEPER } from "./keeping-period";
