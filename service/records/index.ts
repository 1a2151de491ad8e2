/** Records: what each kind holds, how it links, and the canonical bytes a leaf commits to. */
export {
  ACTION_TYPES,
  MERCHANT_ACTIONS,
  REVIEW_OUTCOMES,
  type ActionType,
  ErasureMetadata,
  ExportMetadata,
  LEDGER_KINDS,
  METADATA_SCHEMAS,
  RECORD_KINDS,
  type ClientKind,
  type RecordKind,
} from "./kinds";
export { checkLinks, Link, LINK_RELS, LINK_RULES, type LinkProblem } from "./links";
export {
  CanonicalRecord,
  FileDigest,
  leafHashOfRecord,
  RECORD_FORMAT,
  RECORD_FORMATS,
  toCanonicalBytes,
} from "./canonical";
export {
  checkFileName,
  issuesOf,
  parseRecordInput,
  parseSubmittedRecord,
  personalFileNames,
  RecordInput,
  referencedFileNames,
  type Issue,
  type ValidRecordInput,
} from "./input";
export { partiesOf } from "./parties";
export { occurredAt, statedDate, STATED_TIME_TOLERANCE_MS } from "./occurrence";
export { concernsViewer, derivedRowsOf, type DerivedRows } from "./derived";
export {
  hasTerms,
  normaliseListingUrl,
  SEARCH_FIELDS,
  searchTerm,
  termsOf,
  type SearchField,
} from "./terms";
export {
  isKind,
  parseCanonicalRecord,
  parseCommittedRecord,
  readStoredRecord,
  type StoredRecordText,
  type MetadataOf,
  type RecordOf,
  type TypedRecord,
} from "./typed";
export { CHANNELS, CHANNEL_NAMES, type ChannelName } from "./channels";
export {
  checkNoticeElements,
  checkDeclarationElements,
  missingElements,
  NOTICE_ELEMENTS,
  type ElementCheck,
  type NoticeElement,
  type NoticeProfile,
} from "./notice-elements";
export { MALICE_CONSIDERATIONS, type MerchantRef } from "./enforcement";
export { ACTIVITY_TYPES, MEDIATION_ROUTES } from "./activity";
export { isRegionCode, withinRegion } from "./campaign";
