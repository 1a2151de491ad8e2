import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";

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
    const parsed = KeysFile.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`${file} is not a valid API keys file: ${z.prettifyError(parsed.error)}`);
    const entries = parsed.data.keys.map((k) => ({
      key: { id: k.id, name: k.name, role: k.role, parties: k.parties },
      hash: Buffer.from(k.keySha256 ?? sha256Hex(k.key!), "hex"),
    }));
    return { keys: new ApiKeys(entries), created };
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

/** Reads a keys file as entries (for the keys command). */
export async function readKeyEntries(file: string): Promise<KeyEntry[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return JSON.stringify({ keys: [] });
    throw error;
  });
  const parsed = KeysFile.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file} is not a valid API keys file: ${z.prettifyError(parsed.error)}`);
  return parsed.data.keys;
}

/** Writes a keys file atomically, owner-only. */
export async function writeKeyEntries(file: string, keys: readonly KeyEntry[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ keys }, null, 2) + "\n", { mode: 0o600 });
  await rename(temporary, file);
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
 * The keys file as the service sees it: re-read when it changes (checked at most once a
 * second), so keys added or revoked with `npm run keys` take effect without a restart. A file
 * that fails to parse keeps the previous keys in force.
 */
export class ApiKeyFile {
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private keys: ApiKeys,
    private mtimeMs: number,
  ) {}

  static async open(
    file: string,
    options: { createIfMissing: boolean },
  ): Promise<{ keyFile: ApiKeyFile; created: boolean }> {
    const { keys, created } = await ApiKeys.load(file, options);
    return { keyFile: new ApiKeyFile(file, keys, (await stat(file)).mtimeMs), created };
  }

  async find(presented: string): Promise<ApiKey | undefined> {
    // Requests that arrive while the file is re-read wait for it too: answering them from the
    // old keys would refuse a key just added, or accept one just revoked.
    if (!this.refreshing && Date.now() - this.checkedAt >= 1_000)
      this.refreshing = this.refresh().finally(() => (this.refreshing = undefined));
    if (this.refreshing) await this.refreshing;
    return this.keys.find(presented);
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
