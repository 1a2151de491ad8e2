/** Secrets at the edge: the operator's signing key and the API keys, both from files. */
export {
  addKeyEntry,
  ApiKeyFile,
  ApiKeys,
  KeysFileError,
  hashApiKey,
  initialKeyFile,
  readInitialApiKey,
  newApiKey,
  readKeyEntries,
  revokeKeyEntry,
  ROLES,
  updateKeyEntries,
  writeKeyEntries,
  type ApiKey,
  type KeyEntry,
  type Role,
} from "./api-keys";
export type { KeyRegistry } from "./key-registry";
export { ApiKeyTable } from "./key-table";
export {
  makeStatementRecovery,
  makeStatementSigner,
  makeStatementVerifier,
  type StatementSigner,
} from "./statement-signer";
export { loadOperatorKey } from "./operator-key";
export { startSigningWorker } from "./signing-worker";
export { loadLookupSecret } from "./lookup-secret";
