import type { Wallet } from "ethers";
import { NativeThread } from "../threads/native-thread";
import type { StatementSigner } from "./statement-signer";

/**
 * The intake signer on a thread of its own. Signing is the largest single cost of a
 * submission, and intake runs on one thread: on a two-core machine the other core sat idle
 * while the event loop signed. Leaves are sent in batches (one per group commit) and signed
 * there with the same code path as `makeStatementSigner` (RFC 6979, so byte-identical
 * signatures). The key is handed to the thread in memory, never written. secp256k1 is native:
 * the thread is a NativeThread, ended by asking once what it was given is signed.
 */
export function startSigningWorker(
  wallet: Pick<Wallet, "address" | "privateKey">,
  inThread: StatementSigner,
): StatementSigner & { close(): Promise<void> } {
  const thread = new NativeThread(BODY, {
    privateKey: wallet.privateKey,
    modules: { secp256k1: require.resolve("secp256k1") },
  });
  const worker = thread.worker;
  const pending = new Map<number, { resolve(s: string[]): void; reject(e: unknown): void }>();
  let next = 0;
  worker.on("message", ({ id, signatures }: { id: number; signatures: string[] }) => {
    pending.get(id)?.resolve(signatures);
    pending.delete(id);
  });
  let failure: unknown;
  const failAll = (error: unknown) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", () => failAll(new Error("the signing thread has ended")));
  return {
    address: wallet.address,
    signDigest: (digest) => inThread.signDigest(digest),
    signDigests: (digests) =>
      new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, digests });
      }),
    close: () => thread.end(),
  };
}

const BODY = `
const secp256k1 = require(workerData.modules.secp256k1);
const key = Buffer.from(workerData.privateKey.slice(2), "hex");
parentPort.on("message", (message) => {
  if (typeof message !== "object") return;
  const { id, digests } = message;
  const signatures = digests.map((digest) => {
    const { signature, recid } = secp256k1.ecdsaSign(digest, key);
    const out = Buffer.alloc(65);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return "0x" + out.toString("hex");
  });
  parentPort.postMessage({ id, signatures });
});
`;
