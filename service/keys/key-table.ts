import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { sql } from "kysely";
import { InvalidInputError } from "../errors";
import type { Db } from "../storage";
import type { ApiKeyTable as ApiKeyRow } from "../storage/schema";
import {
  hashApiKey,
  initialKeyFile,
  newApiKey,
  readKeyEntries,
  revokeKeyEntry,
  type ApiKey,
  type KeyEntry,
  type Role,
} from "./api-keys";
import type { KeyRegistry } from "./key-registry";

/** How long a replica trusts a key it looked up: a revocation elsewhere reaches it within this. */
const CACHE_MS = 1_000;
/** Looked-up keys kept at once: a bound, so presenting many valid keys cannot grow memory. */
const CACHE_ENTRIES = 10_000;

/**
 * API keys in PostgreSQL (DESIGN §8), for replicas: every replica, the HTTP key routes and
 * `npm run keys` read and write one table, so a key added or revoked anywhere holds everywhere
 * within a second. A presented key is looked up by its SHA-256 in a unique index (a hash of a
 * 192-bit secret: its timing tells a guesser nothing about a preimage); lookups that succeed are
 * kept for a second. A revoked key keeps its row (`revoked_at`): its id stays taken, since
 * webhook subscriptions and logs name keys by id.
 */
export class ApiKeyTable implements KeyRegistry {
  readonly description = "the database (api_keys)";
  private readonly cache = new Map<string, { key: ApiKey | undefined; at: number }>();

  private constructor(private readonly db: Db) {}

  /**
   * The table, filled on first use: from the keys file if there is one (a single service moving
   * to replicas keeps its keys), else with one new platform key written beside that file, as
   * the embedded mode does. Replicas starting at once fill it once, under a transaction lock.
   */
  static async open(
    db: Db,
    options: { keysFile: string; createIfMissing: boolean },
  ): Promise<{ keys: ApiKeyTable; created: boolean; imported: number }> {
    const filled = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext('api_keys fill'))`.execute(tx);
      const any = await tx.selectFrom("api_keys").select("id").limit(1).executeTakeFirst();
      if (any) return { created: false, imported: 0 };
      const fromFile = await readKeyEntries(options.keysFile);
      const now = new Date().toISOString();
      if (fromFile.length > 0) {
        await tx
          .insertInto("api_keys")
          .values(fromFile.map((k) => rowOf(k, now)))
          .execute();
        return { created: false, imported: fromFile.length };
      }
      if (!options.createIfMissing) return { created: false, imported: 0 };
      const secret = newApiKey();
      await tx
        .insertInto("api_keys")
        .values(
          rowOf(
            { id: "initial", name: "initial platform key", role: "platform", key: secret },
            now,
          ),
        )
        .execute();
      // Written before the commit: a key on disk that never reached the table is refused and
      // overwritten by the next start, while the reverse would lose the only key.
      await mkdir(dirname(options.keysFile), { recursive: true, mode: 0o700 });
      await writeFile(initialKeyFile(options.keysFile), secret + "\n", { mode: 0o600 });
      return { created: true, imported: 0 };
    });
    return { keys: new ApiKeyTable(db), ...filled };
  }

  /** Whether a keys file is still lying beside the table, which no longer reads it. */
  static async fileLeftBehind(keysFile: string): Promise<boolean> {
    return stat(keysFile).then(
      () => true,
      () => false,
    );
  }

  async add(entry: KeyEntry): Promise<void> {
    const inserted = await this.db
      .insertInto("api_keys")
      .values(rowOf(entry, new Date().toISOString()))
      .onConflict((c) => c.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0)
      throw new InvalidInputError(
        "KEY_EXISTS",
        `a key with id ${entry.id} exists or existed, or has the same secret`,
      );
  }

  /** Revokes a key, keeping the last admin (`revokeKeyEntry`); refused here at once. */
  async revoke(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The target and every live admin locked: two revocations of the last two admins at once
      // take turns, and the second sees the first.
      const locked = await tx
        .selectFrom("api_keys")
        .selectAll()
        .where("revoked_at", "is", null)
        .where((w) => w.or([w("id", "=", id), w("role", "=", "admin")]))
        .forUpdate()
        .execute();
      revokeKeyEntry(locked.map(entryOf), id);
      await tx
        .updateTable("api_keys")
        .set({ revoked_at: new Date().toISOString() })
        .where("id", "=", id)
        .execute();
    });
    this.cache.clear();
  }

  /** Live keys, oldest first. */
  async list(): Promise<KeyEntry[]> {
    const rows = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("revoked_at", "is", null)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(entryOf);
  }

  async byId(id: string): Promise<ApiKey | undefined> {
    return this.cached(`id:${id}`, () =>
      this.db
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst(),
    );
  }

  async find(presented: string): Promise<ApiKey | undefined> {
    const hash = hashApiKey(presented);
    return this.cached(`key:${hash}`, () =>
      this.db
        .selectFrom("api_keys")
        .selectAll()
        .where("key_sha256", "=", hash)
        .where("revoked_at", "is", null)
        .executeTakeFirst(),
    );
  }

  /** Found keys are kept for `CACHE_MS`; a miss is asked again, so a new key works at once. */
  private async cached(
    name: string,
    read: () => Promise<ApiKeyRow | undefined>,
  ): Promise<ApiKey | undefined> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.key;
    const row = await read();
    const key = row && keyOf(row);
    this.cache.delete(name);
    if (key) {
      if (this.cache.size >= CACHE_ENTRIES)
        this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(name, { key, at: Date.now() });
    }
    return key;
  }
}

function rowOf(k: KeyEntry, now: string): ApiKeyRow {
  return {
    id: k.id,
    name: k.name,
    role: k.role ?? "platform",
    parties: JSON.stringify(k.parties ?? []),
    key_sha256: k.keySha256 ?? hashApiKey(k.key!),
    created_at: now,
    revoked_at: null,
  };
}

function keyOf(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    parties: JSON.parse(row.parties) as string[],
  };
}

function entryOf(row: ApiKeyRow): KeyEntry {
  return { ...keyOf(row), keySha256: row.key_sha256 };
}
