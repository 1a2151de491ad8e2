import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Wallet } from "ethers";

/**
 * The operator's signing key, from a file holding a 0x-prefixed private key. On first start
 * with no file, a random key is created with owner-only permissions. The key is never logged.
 */
export async function loadOperatorKey(
  file: string,
  options: { createIfMissing: boolean },
): Promise<{ wallet: Wallet; created: boolean }> {
  try {
    const key = (await readFile(file, "utf8")).trim();
    try {
      return { wallet: new Wallet(key), created: false };
    } catch {
      throw new Error(`${file} does not hold a valid private key (0x followed by 64 hex digits)`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !options.createIfMissing) throw error;
  }
  const wallet = Wallet.createRandom();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, wallet.privateKey + "\n", { mode: 0o600, flag: "wx" });
  return { wallet: new Wallet(wallet.privateKey), created: true };
}
