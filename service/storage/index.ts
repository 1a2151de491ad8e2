export { openDatabase, type Db, type DatabaseOptions, type OpenedDatabase } from "./database";
export {
  LedgerStore,
  type LedgerBinding,
  type LedgerStats,
  type RecordQuery,
  type NewRecordRow,
  type StoredBatch,
  type StoredRecord,
  type Tx,
} from "./ledger-store";
export { FileStore } from "./file-store";
export type { BatchStatus, RecordTable } from "./schema";
export { isStorageFull, StorageHealth } from "./storage-full";
