import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import { z } from "zod";
import { InvalidInputError, LedgerError } from "../errors";
import type { KeyRegistry } from "./key-registry";

export const ROLES = ["platform", "rights_holder", "merchant", "regulator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const KeyEntry = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(300),
    role: z.enum(ROLES).default("platform"),
    /**
     * Identifiers the key's holder is known by in records (identity document or credit code
     * numbers): a rights holder or merchant key reads the records that name one of them.
     */
    parties: z.array(z.string().min(1).max(100)).max(100).default([]),
    /** The key itself, or only its SHA-256 (hex): a file of hashes is safe to back up. */
    key: z.string().min(24).optional(),
    keySha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .refine((k) => k.key !== undefined || k.keySha256 !== undefined, {
    message: "each key needs key or keySha256",
  });

const KeysFile = z.object({ keys: z.array(KeyEntry) });

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  parties: string[];
}

export type KeyEntry = z.input<typeof KeyEntry>;

/**
 * API keys from a JSON file. Presented keys are hashed and compared with every stored hash in
 * constant time, so neither timing nor an early exit tells an attacker how close a guess was.
 */
export class ApiKeys {
  private constructor(private readonly entries: { key: ApiKey; hash: Buffer }[]) {}

  static async load(
    file: string,
    options: { createIfMissing: boolean },
  ): Promise<{ keys: ApiKeys; created: boolean }> {
    let text: string;
    let created = false;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !options.createIfMissing)
        throw error;
      // Only the hash goes in the keys file; the key itself is written once, beside it, for
      // the operator to hand out (and delete).
      const key = newApiKey();
      text =
        JSON.stringify(
          {
            keys: [
              {
                id: "initial",
                name: "initial platform key",
                role: "platform",
                keySha256: sha256Hex(key),
              },
            ],
          },
          null,
          2,
        ) + "\n";
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(initialKeyFile(file), key + "\n", { mode: 0o600 });
      await writeFile(file, text, { mode: 0o600, flag: "wx" });
      created = true;
    }
    return { keys: ApiKeys.of(parseKeysFile(file, text)), created };
  }

  static of(keys: readonly KeyEntry[]): ApiKeys {
    return new ApiKeys(
      keys.map((k) => ({
        key: { id: k.id, name: k.name, role: k.role ?? "platform", parties: k.parties ?? [] },
        hash: Buffer.from(k.keySha256 ?? sha256Hex(k.key!), "hex"),
      })),
    );
  }

  /** The key with this id, if it is (still) in the file. */
  byId(id: string): ApiKey | undefined {
    return this.entries.find((e) => e.key.id === id)?.key;
  }

  /** The key matching `presented`, if any. */
  find(presented: string): ApiKey | undefined {
    const hash = Buffer.from(sha256Hex(presented), "hex");
    let found: ApiKey | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.hash, hash)) found ??= entry.key;
    return found;
  }
}

/** Where the first start leaves the initial platform key, beside the keys file. */
export function initialKeyFile(keysFile: string): string {
  return join(dirname(keysFile), "initial-api-key");
}

export async function readInitialApiKey(keysFile: string): Promise<string> {
  return (await readFile(initialKeyFile(keysFile), "utf8")).trim();
}

/** A keys file that cannot be read as one: the service refuses to start on it. */
export class KeysFileError extends LedgerError {}

function parseKeysFile(file: string, text: string): KeyEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KeysFileError(
      "KEYS_FILE_INVALID",
      `${file} is not a valid API keys file: not JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  const parsed = KeysFile.safeParse(json);
  if (!parsed.success)
    throw new KeysFileError(
      "KEYS_FILE_INVALID",
      `${file} is not a valid API keys file: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data.keys;
}

/** Reads a keys file as entries (for the keys command). */
export async function readKeyEntries(file: string): Promise<KeyEntry[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return JSON.stringify({ keys: [] });
    throw error;
  });
  return parseKeysFile(file, text);
}

/**
 * Writes a keys file atomically, owner-only: a temporary file of its own (two writers never
 * share one), fsynced, renamed over the old one, and the directory fsynced, so a crash leaves
 * either the old file or the new one, never a torn one.
 */
export async function writeKeyEntries(file: string, keys: readonly KeyEntry[]): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(
    dir,
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify({ keys }, null, 2) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(dir, "r");
  await directory.sync().finally(() => directory.close());
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Read-modify-write of a keys file, one writer at a time: within this process by a queue, and
 * across processes (the service and `npm run keys`) by a lock beside the file. Without both,
 * concurrent additions overwrite each other and a revocation can be undone by a write that
 * read the file before it.
 */
export async function updateKeyEntries(
  file: string,
  change: (keys: KeyEntry[]) => KeyEntry[],
): Promise<KeyEntry[]> {
  const previous = inProcess.get(file) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => updateLocked(file, change));
  inProcess.set(file, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(file) === run) inProcess.delete(file);
  }
}

async function updateLocked(
  file: string,
  change: (keys: KeyEntry[]) => KeyEntry[],
): Promise<KeyEntry[]> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lockfile.lock(file, {
    realpath: false,
    lockfilePath: `${file}.lock`,
    stale: 10_000,
    retries: { retries: 100, minTimeout: 10, maxTimeout: 100 },
  });
  try {
    const next = change(await readKeyEntries(file));
    await writeKeyEntries(file, next);
    return next;
  } finally {
    await release();
  }
}

/** Adds a key; a key with the same id already present is refused. */
export function addKeyEntry(keys: KeyEntry[], entry: KeyEntry): KeyEntry[] {
  if (keys.some((k) => k.id === entry.id))
    throw new InvalidInputError("KEY_EXISTS", `a key with id ${entry.id} exists`);
  return [...keys, entry];
}

/**
 * Removes a key. The last admin key is kept: without one, keys can no longer be managed over
 * HTTP, and whoever revoked it by mistake would need the server's disk to recover.
 */
export function revokeKeyEntry(keys: KeyEntry[], id: string): KeyEntry[] {
  const target = keys.find((k) => k.id === id);
  if (!target) throw new InvalidInputError("KEY_NOT_FOUND", `no key ${id}`);
  const admins = keys.filter((k) => k.role === "admin");
  if (target.role === "admin" && admins.length === 1)
    throw new InvalidInputError(
      "KEY_LAST_ADMIN",
      `${id} is the last admin key; add another admin key before revoking it`,
    );
  return keys.filter((k) => k.id !== id);
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function newApiKey(): string {
  return `enk_${randomBytes(24).toString("base64url")}`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The keys file as the service sees it. Changes made through it (`add`, `revoke`) take effect
 * for the next request; changes made by `npm run keys` are seen when the file's mtime moves
 * (checked at most once a second). A file that fails to parse keeps the previous keys in force.
 */
export class ApiKeyFile implements KeyRegistry {
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private keys: ApiKeys,
    private mtimeMs: number,
  ) {}

  get description(): string {
    return this.file;
  }

  static async open(
    file: string,
    options: { createIfMissing: boolean },
  ): Promise<{ keyFile: ApiKeyFile; created: boolean }> {
    const { keys, created } = await ApiKeys.load(file, options);
    return { keyFile: new ApiKeyFile(file, keys, (await stat(file)).mtimeMs), created };
  }

  /** Adds a key (stored as its hash); it authenticates as soon as this resolves. */
  async add(entry: KeyEntry): Promise<void> {
    await this.update((keys) => addKeyEntry(keys, entry));
  }

  /** Revokes a key; it is refused as soon as this resolves. */
  async revoke(id: string): Promise<void> {
    await this.update((keys) => revokeKeyEntry(keys, id));
  }

  async list(): Promise<KeyEntry[]> {
    return readKeyEntries(this.file);
  }

  private update(change: (keys: KeyEntry[]) => KeyEntry[]): Promise<void> {
    return this.serially(async () => {
      const keys = await updateKeyEntries(this.file, change);
      this.keys = ApiKeys.of(keys);
      this.mtimeMs = (await stat(this.file)).mtimeMs;
    });
  }

  /**
   * Re-reads and writes take turns: a re-read that read the file before a write must not
   * replace the keys after it, undoing a revocation just answered.
   */
  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The key with this id as the file holds it now (a revoked key: undefined). */
  async byId(id: string): Promise<ApiKey | undefined> {
    return (await this.current()).byId(id);
  }

  async find(presented: string): Promise<ApiKey | undefined> {
    return (await this.current()).find(presented);
  }

  /**
   * The keys as the file holds them, re-read at most once a second. Callers that arrive while
   * the file is re-read wait for it too: answering them from the old keys would refuse a key
   * just added, or accept one just revoked.
   */
  private async current(): Promise<ApiKeys> {
    if (!this.refreshing && Date.now() - this.checkedAt >= 1_000)
      this.refreshing = this.serially(() => this.refresh()).finally(
        () => (this.refreshing = undefined),
      );
    if (this.refreshing) await this.refreshing;
    return this.keys;
  }

  private async refresh(): Promise<void> {
    this.checkedAt = Date.now();
    const mtimeMs = await stat(this.file).then(
      (s) => s.mtimeMs,
      () => this.mtimeMs,
    );
    if (mtimeMs === this.mtimeMs) return;
    this.mtimeMs = mtimeMs;
    this.keys = await ApiKeys.load(this.file, { createIfMissing: false }).then(
      (r) => r.keys,
      () => this.keys,
    );
  }
}
