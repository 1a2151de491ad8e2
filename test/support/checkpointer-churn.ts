// Run as a child process by wal-checkpointer.test.ts: a native abort here must not take the
// test runner with it. Starts and stops checkpointers at random moments, most of them while
// the worker is still opening its connections.
import Database from "libsql";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";

async function main(rounds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "churn-"));
  const files = Array.from({ length: 32 }, (_, i) => join(dir, `${i}.sqlite`));
  for (const file of files) {
    const db = new Database(file);
    db.exec("pragma journal_mode = wal");
    db.close();
  }
  for (let round = 0; round < rounds; round++) {
    const checkpointer = new WalCheckpointer(files, 1, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    await checkpointer.stop();
  }
  process.stdout.write(`stopped ${rounds}\n`);
}

void main(Number(process.argv[2]));
