import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { SHA256_HEX, type ContentStore, type FingerprintedFile } from "./content-store";
import { writeHashed } from "./disk-upload";

/**
 * Files stored by content: `<root>/ab/cd/<sha256>`, so identical uploads are stored once and a
 * file's name is its own integrity check. A file is written under a temporary name, fsynced,
 * then renamed and its directory fsynced: a crash leaves either nothing or the whole file.
 */
export class FileStore implements ContentStore {
  readonly tempDir: string;
  readonly description: string;
  /**
   * One empty marker per content file brought in by a request still in flight. A crash leaves
   * the marker behind, so the next start can delete content no committed record references.
   */
  readonly heldDir: string;
  /** Uploads in flight per digest: a failed request must not delete what another is using. */
  private readonly inUse = new Map<string, number>();
  /** Content brought in by a request that failed while others still held it. */
  private readonly discardWhenFree = new Set<string>();

  constructor(readonly root: string) {
    this.tempDir = join(root, "tmp");
    this.heldDir = join(root, "held");
    this.description = root;
  }

  /** Written under a temporary name, hashed on the way, fsynced, then moved to its address. */
  async receive(source: Readable): Promise<FingerprintedFile> {
    const temp = this.tempPath();
    const { sha256, size } = await writeHashed(temp, source);
    const { created } = await this.promote(temp, sha256);
    return { sha256, size, created };
  }

  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.heldDir, { recursive: true });
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
    // The marker is durable before the content appears, so no crash can orphan the content.
    await (await open(join(this.heldDir, sha256), "w")).close();
    await fsyncDir(this.heldDir);
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
    if (left > 0) {
      this.inUse.set(sha256, left);
      // The last holder decides, once no request can still be committing a record with it.
      if (options.discard) this.discardWhenFree.add(sha256);
      return;
    }
    this.inUse.delete(sha256);
    const discard = this.discardWhenFree.delete(sha256) || options.discard;
    if (discard && !(await options.isReferenced())) await rm(this.pathOf(sha256), { force: true });
    await rm(join(this.heldDir, sha256), { force: true });
  }

  /**
   * After a crash, before any request: deletes content that requests in flight had brought in
   * and no committed record references, and the markers. Returns how many files it deleted.
   */
  async sweepUnreferenced(isReferenced: (sha256: string) => Promise<boolean>): Promise<number> {
    let removed = 0;
    for (const sha256 of await readdir(this.heldDir)) {
      if (!SHA256_HEX.test(sha256)) continue;
      if (!(await isReferenced(sha256)) && (await exists(this.pathOf(sha256)))) {
        await rm(this.pathOf(sha256), { force: true });
        removed++;
      }
      await rm(join(this.heldDir, sha256), { force: true });
    }
    return removed;
  }

  /**
   * Deletes the bytes of erased content (DESIGN §7), unless a request in flight is bringing the
   * same bytes in for a new record, which then holds them. Returns whether they were deleted.
   */
  async erase(sha256: string): Promise<boolean> {
    if (this.inUse.has(sha256)) return false;
    const path = this.pathOf(sha256);
    if (!(await exists(path))) return false;
    await rm(path, { force: true });
    await fsyncDir(join(path, ".."));
    return true;
  }

  async openRead(sha256: string): Promise<Readable | undefined> {
    const path = this.pathOf(sha256);
    // Opened before it is handed out, so a missing file is known now, not as a stream error.
    const handle = await open(path, "r").catch(() => undefined);
    if (!handle) return undefined;
    return handle.createReadStream({ highWaterMark: 1 << 20 });
  }

  /** Deletes temporary files (and exports' scratch directories) a crash left. Returns how many. */
  async sweepTemp(olderThanMs: number): Promise<number> {
    return sweepDirectory(this.tempDir, olderThanMs);
  }

  /** Every stored digest, for audits. */
  async *digests(): AsyncGenerator<string> {
    for (const a of await readdir(this.root)) {
      if (a === "tmp" || a === "held") continue;
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

/** Deletes what `dir` holds that is at least `olderThanMs` old. Returns how many. */
export async function sweepDirectory(dir: string, olderThanMs: number): Promise<number> {
  const now = Date.now();
  let removed = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs >= olderThanMs) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
