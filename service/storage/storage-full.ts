import { statfs } from "node:fs/promises";

/**
 * Whether an error says the disk (or the database's storage) is full, wherever it came from:
 * the file store (ENOSPC, or EDQUOT over a quota), SQLite (SQLITE_FULL) or PostgreSQL
 * (SQLSTATE 53100 disk_full). The cause chain is followed, as drivers wrap errors.
 */
export function isStorageFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL" || code === "53100")
      return true;
    if (/database or disk is full/i.test((e as { message?: unknown }).message as string))
      return true;
  }
  return false;
}

/** Space that must come free after a failed write before the disk counts as usable again. */
const FREED_BYTES = 2 ** 20;

/**
 * What readiness reports of the disk: full when the data directory's file system has less than
 * `minFreeBytes` left, or when a write failed for lack of space within the last `recentMs` and
 * no space was freed since (a write can need more than the threshold leaves).
 */
export class StorageHealth {
  private lastFullAt = 0;
  private freeWhenFull: number | null = null;

  constructor(
    private readonly dir: string,
    private readonly options: { minFreeBytes: number; recentMs: number },
  ) {}

  /** Called when a write failed for lack of space. */
  noteFull(): void {
    this.lastFullAt = Date.now();
    void this.freeBytes().then((free) => (this.freeWhenFull = free));
  }

  async check(): Promise<{ full: boolean; freeBytes: number | null }> {
    const freeBytes = await this.freeBytes();
    const freed =
      freeBytes !== null &&
      this.freeWhenFull !== null &&
      freeBytes > this.freeWhenFull + FREED_BYTES;
    const recentlyFull = Date.now() - this.lastFullAt < this.options.recentMs && !freed;
    const low = freeBytes !== null && freeBytes < this.options.minFreeBytes;
    return { full: recentlyFull || low, freeBytes };
  }

  private freeBytes(): Promise<number | null> {
    return statfs(this.dir).then(
      (s) => s.bavail * s.bsize,
      () => null,
    );
  }
}
