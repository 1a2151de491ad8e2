// Run (bundled) by native-threads.test.ts: a native abort here must not take the test runner
// with it. Starts and stops checkpointers and signers at random moments, most checkpointers
// while still opening their connections, most signers in the middle of a batch.
import Database from "libsql";
import { Wallet } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSigningWorker } from "../../service/keys/signing-worker";
import { makeStatementSigner } from "../../service/keys/statement-signer";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";

async function main(rounds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "churn-"));
  const files = Array.from({ length: 32 }, (_, i) => join(dir, `${i}.sqlite`));
  for (const file of files) {
    const db = new Database(file);
    db.exec("pragma journal_mode = wal");
    db.close();
  }
  const wallet = Wallet.createRandom();
  const inThread = makeStatementSigner(wallet);
  const digests = Array.from({ length: 1000 }, (_, i) => Buffer.alloc(32, (i % 250) + 1));
  let signed = 0;
  for (let round = 0; round < rounds; round++) {
    const checkpointer = new WalCheckpointer(files, 1, () => undefined);
    const signer = startSigningWorker(wallet, inThread);
    const batch = signer.signDigests(digests).then((s) => (signed += s.length));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    await Promise.all([checkpointer.stop(), signer.close()]);
    await batch; // asked to end, the signer finishes what it was given first
  }
  process.stdout.write(`stopped ${rounds}, signed ${signed}\n`);
}

void main(Number(process.argv[2]));
