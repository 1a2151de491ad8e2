export {
  openDatabase,
  type Db,
  type Engine,
  type DatabaseOptions,
  type OpenedDatabase,
} from "./database";
export {
  LedgerStore,
  toDerivedTables,
  type LedgerBinding,
  type LedgerStats,
  type RecordQuery,
  type NewRecordRow,
  type AnchoredBatch,
  type CutBatch,
  type SentBatch,
  type StoredBatch,
  type RecordRow,
  type StoredDisclosure,
  type StoredRecord,
  type StoredRecordWithIndex,
  type Tx,
} from "./ledger-store";
export { FileStore } from "./file-store";
export { S3FileStore, parseS3Url, type S3FileStoreOptions } from "./s3-file-store";
export { SHA256_HEX, type ContentStore, type FingerprintedFile } from "./content-store";
export { WebhookStore } from "./webhook-store";
export { CaptureStore } from "./capture-store";
export type {
  BatchStatus,
  BatchWitnessTable,
  RecordDisclosureTable,
  RecordTable,
  WebhookDeliveryTable,
  WebhookTable,
  CaptureTable,
} from "./schema";
export { isStorageFull, StorageHealth } from "./storage-full";
export type {
  BatchCutLog,
  BatchLog,
  RecordIndex,
  SequenceLog,
  Transactions,
  WitnessLog,
} from "./roles";
