/** Gas of EvidenceLedger calls on the in-process Hardhat chain (cancun rules). */
import hre from "hardhat";
import { deployLedger } from "../../service/anchoring/deployment";
import { EvidenceLedger__factory } from "../../typechain-types";
import { nativeSha256 } from "../../service/fingerprint/native-sha256";
import { getProof, leafHashOf, makeTree, rootOf } from "../../service/merkle";
import { runBenchmark } from "./harness";
import { report } from "./report";

const name = "EvidenceLedger gas";

async function main(): Promise<void> {
  const [signer] = await hre.ethers.getSigners();
  const deployment = await deployLedger(signer!);
  const ledger = EvidenceLedger__factory.connect(deployment.address, signer!);
  const deployReceipt = await hre.ethers.provider.getTransactionReceipt(deployment.txHash);
  report({ case: name, metric: "deploy", value: `${deployReceipt!.gasUsed}` });

  const root = (i: number) => hre.ethers.sha256(hre.ethers.toBeHex(i + 1, 32));
  const first = await (await ledger.anchor(root(0), 0, 100)).wait();
  report({ case: name, metric: "anchor, first batch", value: `${first!.gasUsed}` });
  const later = await (await ledger.anchor(root(1), 100, 100)).wait();
  report({ case: name, metric: "anchor, later batch", value: `${later!.gasUsed}` });

  // Anchoring costs the same whatever the batch size: the tree stays off-chain.
  let seq = 200;
  for (const [i, batchSize] of [1, 100, 10_000].entries()) {
    const receipt = await (await ledger.anchor(root(10 + i), seq, batchSize)).wait();
    seq += batchSize;
    const perRecord = Number(receipt!.gasUsed) / batchSize;
    report({
      case: name,
      metric: `anchor gas per record, batch of ${batchSize.toLocaleString("en")}`,
      value: perRecord >= 10 ? perRecord.toFixed(0) : perRecord.toFixed(2),
    });
  }

  for (const exponent of [10, 20]) {
    const size = 2 ** exponent;
    const leaves = new Uint8Array(size * 32);
    for (let i = 0; i < size; i++)
      leaves.set(nativeSha256(new Uint8Array(new Uint32Array([i]).buffer)), i * 32);
    const tree = makeTree(leaves, { sha256: nativeSha256 });
    const index = size - 3;
    const args = [
      leafHashOf(tree, index),
      index,
      size,
      getProof(tree, index),
      rootOf(tree),
    ] as const;
    if (!(await ledger.verifyInclusion(...args)))
      throw new Error("benchmark proof failed on-chain");
    // estimateGas prices the call as a transaction: what an on-chain consumer would pay.
    const gas = await ledger.verifyInclusion.estimateGas(...args);
    report({
      case: name,
      metric: `verifyInclusion, 2^${exponent} leaves (as a transaction)`,
      value: `${gas}`,
    });
  }
}

runBenchmark(main);
