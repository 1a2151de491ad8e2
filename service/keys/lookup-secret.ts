import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * The secret certificate verification codes are derived from (HMAC), in a file of 64 hex
 * digits created on first start with owner-only permissions. Losing it only changes the codes
 * printed from then on; never logged, never returned.
 */
export async function loadLookupSecret(file: string): Promise<Buffer> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    if (!/^[0-9a-f]{64}$/i.test(text))
      throw new Error(`${file} does not hold a lookup secret (64 hex digits)`);
    return Buffer.from(text, "hex");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, secret.toString("hex") + "\n", { mode: 0o600, flag: "wx" }).catch(
    async (error: NodeJS.ErrnoException) => {
      // Another process created it first: use theirs.
      if (error.code !== "EEXIST") throw error;
    },
  );
  return Buffer.from((await readFile(file, "utf8")).trim(), "hex");
}
