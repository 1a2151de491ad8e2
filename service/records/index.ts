/** Records: what each kind holds, how it links, and the canonical bytes a leaf commits to. */
export {
  ACTION_TYPES,
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
  toCanonicalBytes,
} from "./canonical";
export {
  checkFileName,
  issuesOf,
  parseRecordInput,
  RecordInput,
  referencedFileNames,
  type Issue,
  type ValidRecordInput,
} from "./input";
export { partiesOf } from "./parties";
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
  type MetadataOf,
  type RecordOf,
  type TypedRecord,
} from "./typed";
