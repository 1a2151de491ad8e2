import { getBytes, type AbstractProvider } from "ethers";
import { EvidenceLedger__factory } from "../../typechain-types";
import { leafHashOfRecord } from "../../service/records";
import type { AnchoredReceipt } from "../../service/receipts";
import { verifyReceipt } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";

/**
 * Checks an anchored receipt the way a stranger would: the verifier core against the chain,
 * plus the contract's own `verifyInclusion` on the same proof. Returns what failed.
 */
export async function checkAnchoredReceipt(
  receipt: AnchoredReceipt,
  provider: AbstractProvider,
): Promise<string[]> {
  const result = await verifyReceipt({
    receipt,
    fileDigests: [],
    chain: providerChainReader(provider),
  });
  const problems = result.steps
    .filter((s) => s.status === "fail" || s.status === "error")
    .map((s) => `${s.step}: ${s.code}`);
  const a = receipt.anchor;
  const ledger = EvidenceLedger__factory.connect(a.contract, provider);
  const leaf = leafHashOfRecord(receipt.record);
  if (
    !(await ledger.verifyInclusion(
      leaf,
      a.leafIndex,
      a.treeSize,
      a.auditPath.map((p) => getBytes(p)),
      a.root,
    ))
  )
    problems.push("inclusion (contract)");
  return problems;
}
