// Run (bundled) by native-threads.test.ts. A thread that fails (its database cannot be opened)
// is reported to its owner and takes nothing else down; and a process exiting just after a
// thread failed, before it heard so, does not wait for that thread.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";

async function main(): Promise<void> {
  const notAFile = mkdtempSync(`${tmpdir()}/not-a-database-`);
  const heard = await new Promise<string>((resolve) => {
    const checkpointer = new WalCheckpointer([notAFile], 1_000, resolve);
    void checkpointer.stop();
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // an unhandled rejection would end it here
  process.stdout.write(`heard: ${heard.split("\n")[0]}\n`);

  new WalCheckpointer([notAFile], 1_000, () => undefined);
  const busyUntil = Date.now() + 500; // the thread fails meanwhile, unheard by this thread
  while (Date.now() < busyUntil);
  const exitAt = Date.now();
  process.on("exit", () => process.stdout.write(`exit waited ${Date.now() - exitAt} ms\n`));
  process.exit(0);
}

void main();
