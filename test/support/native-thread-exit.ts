// Run (bundled, as plain JavaScript) by native-threads.test.ts: exits at a random moment
// while native threads check and sign, most of them still opening their connections. A native
// abort here must not take the test runner with it.
import Database from "libsql";
import { Wallet } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSigningWorker } from "../../service/keys/signing-worker";
import { makeStatementSigner } from "../../service/keys/statement-signer";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";

const dir = mkdtempSync(join(tmpdir(), "exit-"));
const files = Array.from({ length: 32 }, (_, i) => join(dir, `${i}.sqlite`));
for (const file of files) {
  const db = new Database(file);
  db.exec("pragma journal_mode = wal");
  db.close();
}
for (let i = 0; i < 4; i++) new WalCheckpointer(files, 1, () => undefined);
const wallet = Wallet.createRandom();
const signer = startSigningWorker(wallet, makeStatementSigner(wallet));
const digests = Array.from({ length: 200 }, (_, i) => Buffer.alloc(32, i + 1));
const signForever = (): unknown => signer.signDigests(digests).then(signForever, () => undefined);
signForever();
setTimeout(() => process.exit(0), Math.random() * Number(process.argv[2]));
