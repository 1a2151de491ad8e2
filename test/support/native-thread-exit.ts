// Run (bundled, as plain JavaScript) by native-threads.test.ts: exits at a random moment
// while native threads checkpoint and sign, most of them still opening their connections. A native
// abort here must not take the test runner with it.
import { Wallet } from "ethers";
import { startSigningWorker } from "../../service/keys/signing-worker";
import { makeStatementSigner } from "../../service/keys/statement-signer";
import { WalCheckpointer } from "../../service/storage/wal-checkpointer";
import { makeWalFiles } from "./wal-files";

const files = makeWalFiles(32);
for (let i = 0; i < 4; i++) new WalCheckpointer(files, 1, () => undefined);
const wallet = Wallet.createRandom();
const signer = startSigningWorker(wallet, makeStatementSigner(wallet));
const digests = Array.from({ length: 200 }, (_, i) => Buffer.alloc(32, i + 1));
const signForever = (): unknown => signer.signDigests(digests).then(signForever, () => undefined);
signForever();
setTimeout(() => process.exit(0), Math.random() * Number(process.argv[2]));
