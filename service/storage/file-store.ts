import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Files stored by content: `<root>/ab/cd/<sha256>`, so identical uploads are stored once and a
 * file's name is its own integrity check. A file is written under a temporary name, fsynced,
 * then renamed and its directory fsynced: a crash leaves either nothing or the whole file.
 */
export class FileStore {
  readonly tempDir: string;
  /** Uploads in flight per digest: a failed request must not delete what another is using. */
  private readonly inUse = new Map<string, number>();

  constructor(readonly root: string) {
    this.tempDir = join(root, "tmp");
  }

  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
  }

  tempPath(): string {
    return join(this.tempDir, `${Date.now()}-${randomBytes(8).toString("hex")}.part`);
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Moves a fully written and fsynced temporary file to its content address. Returns whether
   * the content was new. The caller holds the digest until `release`.
   */
  async promote(tempPath: string, sha256: string): Promise<{ created: boolean }> {
    this.inUse.set(sha256, (this.inUse.get(sha256) ?? 0) + 1);
    const target = this.pathOf(sha256);
    if (await exists(target)) {
      await unlink(tempPath);
      return { created: false };
    }
    const dir = join(target, "..");
    await mkdir(dir, { recursive: true });
    await rename(tempPath, target);
    await fsyncDir(dir);
    return { created: true };
  }

  /**
   * Ends a request's hold on a digest. When the request failed and had brought the content in,
   * the file is deleted unless another request holds it or an accepted record references it.
   */
  async release(
    sha256: string,
    options: { discard: boolean; isReferenced: () => Promise<boolean> },
  ): Promise<void> {
    const left = (this.inUse.get(sha256) ?? 1) - 1;
    if (left > 0) this.inUse.set(sha256, left);
    else this.inUse.delete(sha256);
    if (!options.discard || left > 0 || (await options.isReferenced())) return;
    await rm(this.pathOf(sha256), { force: true });
  }

  openRead(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256), { highWaterMark: 1 << 20 });
  }

  /** Deletes temporary files left by requests a crash interrupted. Returns how many. */
  async sweepTemp(olderThanMs: number): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs >= olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Every stored digest, for audits. */
  async *digests(): AsyncGenerator<string> {
    for (const a of await readdir(this.root)) {
      if (a === "tmp") continue;
      for (const b of await readdir(join(this.root, a)).catch(() => [])) {
        for (const name of await readdir(join(this.root, a, b)).catch(() => []))
          if (SHA256_HEX.test(name)) yield name;
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
