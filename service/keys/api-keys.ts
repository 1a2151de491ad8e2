import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

export const ROLES = ["platform", "rights_holder", "merchant", "regulator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const KeyEntry = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(300),
    role: z.enum(ROLES).default("platform"),
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
}

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
      text =
        JSON.stringify(
          {
            keys: [
              { id: "initial", name: "initial platform key", role: "platform", key: newApiKey() },
            ],
          },
          null,
          2,
        ) + "\n";
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, text, { mode: 0o600, flag: "wx" });
      created = true;
    }
    const parsed = KeysFile.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`${file} is not a valid API keys file: ${z.prettifyError(parsed.error)}`);
    const entries = parsed.data.keys.map((k) => ({
      key: { id: k.id, name: k.name, role: k.role },
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

export function newApiKey(): string {
  return `enk_${randomBytes(24).toString("base64url")}`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
