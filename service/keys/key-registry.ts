import type { ApiKey, KeyEntry } from "./api-keys";

/**
 * Where the service's API keys are kept: a file in the embedded mode (`ApiKeyFile`), a table
 * when replicas share PostgreSQL (`ApiKeyTable`). Both MUST make an `add` or `revoke` hold
 * for the next request of this process once it resolves, and in every other process within a
 * second; both MUST refuse to revoke the last admin key.
 */
export interface KeyRegistry {
  /** Where the keys are, for the start-up line and `npm run keys`: never a secret. */
  readonly description: string;
  add(entry: KeyEntry): Promise<void>;
  revoke(id: string): Promise<void>;
  /** Live keys, as entries holding each key's SHA-256 only. */
  list(): Promise<KeyEntry[]>;
  /** The key with this id as it is now (a revoked key: undefined). */
  byId(id: string): Promise<ApiKey | undefined>;
  /** The key `presented` is, if any. */
  find(presented: string): Promise<ApiKey | undefined>;
}
