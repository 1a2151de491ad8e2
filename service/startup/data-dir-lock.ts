import Database from "libsql";
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { StartRefusal } from "./refusal";

/** What the holder writes beside the lock, so a refused start can name it. */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * Holds the data directory for this process alone. Two services on one directory both anchor
 * and each rewrites what the other promised (receipts already handed out stop verifying), so a
 * second start is refused with one line naming the holder.
 *
 * The lock is the operating system's (an exclusive SQLite lock, a POSIX record lock on a file
 * of its own): the kernel releases it when the holder dies, even by `kill -9`, so no stale lock
 * is ever left to clear by hand, unlike a lock file that only says "someone was here".
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly holderFile: string,
  ) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    const holderFile = join(dir, "notary.pid");
    const db = new Database(join(dir, "notary.lock"), { timeout: 0 });
    try {
      db.exec("PRAGMA locking_mode=EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
      throw new StartRefusal(
        "DATA_DIR_LOCKED",
        `${dir} is in use by ${await describeHolder(holderFile)}; stop it first, or give this one its own DATA_DIR`,
      );
    }
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await writeFile(holderFile, `${JSON.stringify(holder)}\n`);
    return new DataDirLock(db, holderFile);
  }

  private released = false;

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await rm(this.holderFile, { force: true });
    this.db.close();
  }
}

async function describeHolder(file: string): Promise<string> {
  try {
    const { pid, host, since } = JSON.parse(await readFile(file, "utf8")) as Holder;
    return `process ${pid} on ${host} (since ${since})`;
  } catch {
    return "another process";
  }
}
