export { openDatabase, type Db, type DatabaseOptions, type OpenedDatabase } from "./database";
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
export { WebhookStore } from "./webhook-store";
export type {
  BatchStatus,
  BatchWitnessTable,
  RecordDisclosureTable,
  RecordTable,
  WebhookDeliveryTable,
  WebhookTable,
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
