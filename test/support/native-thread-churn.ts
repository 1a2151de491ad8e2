// Run (bundled) by native-threads.test.ts: a native abort here must not take the test runner
// with it. Starts and stops checkpointers and signers at random moments, most checkpointers
// while still opening their connections, most signers in the middle of a batch.
import { Wallet } from "ethers";
import { startSigningWorker } from "../../service/keys/signing-worker";
import { makeStatementSigner } from "../../service/keys/statement-signer";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";
import { makeWalFiles } from "./wal-files";

async function main(rounds: number): Promise<void> {
  const files = makeWalFiles(32);
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
