import Database from "libsql";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `count` SQLite files in WAL mode, in a fresh directory: something for checkpointers to open. */
export function makeWalFiles(count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), "wal-"));
  const files = Array.from({ length: count }, (_, i) => join(dir, `${i}.sqlite`));
  for (const file of files) {
    const db = new Database(file);
    db.exec("pragma journal_mode = wal");
    db.close();
  }
  return files;
}
