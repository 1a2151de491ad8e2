import { getBytes, verifyMessage, type AbstractProvider } from "ethers";
import { EvidenceLedger__factory } from "../../typechain-types";
import { verifyInclusion } from "../../service/merkle";
import { leafHashOfRecord } from "../../service/records";
import type { AnchoredReceipt } from "../../service/receipts";

/**
 * Checks an anchored receipt the way a stranger would: recompute the leaf from the record,
 * walk the proof with the Merkle core and with the contract, and compare with the chain.
 */
export async function checkAnchoredReceipt(
  receipt: AnchoredReceipt,
  provider: AbstractProvider,
): Promise<string[]> {
  const problems: string[] = [];
  const leaf = leafHashOfRecord(receipt.record);
  if (Buffer.from(leaf).toString("hex") !== receipt.leafHash.slice(2)) problems.push("leaf hash");
  const a = receipt.anchor;
  const proof = {
    leafHash: leaf,
    leafIndex: a.leafIndex,
    treeSize: a.treeSize,
    auditPath: a.auditPath.map((p) => getBytes(p)),
    root: getBytes(a.root),
  };
  if (!verifyInclusion(proof)) problems.push("inclusion (core)");
  const ledger = EvidenceLedger__factory.connect(a.contract, provider);
  if (!(await ledger.verifyInclusion(proof.leafHash, a.leafIndex, a.treeSize, a.auditPath, a.root)))
    problems.push("inclusion (contract)");
  const [root, firstSeq, count, timestamp, blockNumber] = await ledger.batchOf(
    a.operator,
    a.batchIndex,
  );
  if (root !== a.root || Number(firstSeq) !== a.firstSeq || Number(count) !== a.treeSize)
    problems.push("batch on chain");
  if (Number(blockNumber) !== a.blockNumber || Number(timestamp) !== a.blockTimestamp)
    problems.push("batch block");
  const block = await provider.getBlock(a.blockNumber);
  if (block?.hash !== a.blockHash) problems.push("block hash");
  if (receipt.record.seq !== a.firstSeq + a.leafIndex) problems.push("seq position");
  if (
    verifyMessage(getBytes(receipt.leafHash), receipt.intake.signature) !== receipt.intake.operator
  )
    problems.push("intake signature");
  return problems;
}
