import { Interface, keccak256 } from "ethers";
import { isPublishedLedgerCode } from "./ledger-code";
import type { Receipt } from "../receipts/receipt";
import type { ChainReader, OnChainBatchView } from "./reader";
import { failed, passed, skipped, type StepName, type StepResult } from "./step";

/** The steps that read the chain, through a reader passed in (the RPC edge is elsewhere). */

type Anchored = Extract<Receipt, { status: "anchored" }>;

/**
 * Whether call data is the ledger's `anchor(root, firstSeq, count)` with these values: how a
 * verifier reads a mined transaction, and the audit a stored signed one.
 */
export function isAnchorCall(
  input: string,
  a: { root: string; firstSeq: number; treeSize: number },
): boolean {
  let call;
  try {
    call = LEDGER.parseTransaction({ data: input });
  } catch {
    return false;
  }
  return (
    call?.name === "anchor" &&
    same(call.args[0] as string, a.root) &&
    Number(call.args[1]) === a.firstSeq &&
    Number(call.args[2]) === a.treeSize
  );
}

/** What the transaction step reads of an anchor: a receipt's, or a stored batch's (the audit). */
export type AnchorFacts = Pick<
  Anchored["anchor"],
  | "txHash"
  | "operator"
  | "contract"
  | "root"
  | "firstSeq"
  | "treeSize"
  | "blockNumber"
  | "blockHash"
  | "batchIndex"
>;

/** How the anchor transaction must read: the ledger's `anchor` call and the event it emits. */
const LEDGER = new Interface([
  "function anchor(bytes32 root, uint64 firstSeq, uint64 count) returns (uint256 batchIndex)",
  "event BatchAnchored(address indexed operator, uint256 indexed batchIndex, bytes32 root, uint64 firstSeq, uint64 count, bytes32 head)",
]);

export type BatchCode =
  | "WRONG_CHAIN"
  | "LEDGER_CODE_UNKNOWN"
  | "BATCH_NOT_ON_CHAIN"
  | "ROOT_NOT_ON_CHAIN"
  | "BATCH_RANGE_MISMATCH";
export type TransactionCode = "TRANSACTION_NOT_FOUND" | "TRANSACTION_MISMATCH";
export type BlockCode = "BLOCK_MISMATCH" | "NOT_ENOUGH_CONFIRMATIONS";

const same = (x: string | null | undefined, y: string) => x?.toLowerCase() === y.toLowerCase();

/**
 * The batch, transaction and block steps, in order. A chain that cannot be read stops them
 * where it happened ("error": the verdict is unverifiable, never invalid) and the rest are
 * skipped; so are the transaction and block when the RPC serves another chain.
 */
export async function checkChain(
  chain: ChainReader,
  receipt: Anchored,
  minConfirmations: number,
): Promise<{ results: StepResult[]; confirmations: number }> {
  const results: StepResult[] = [];
  let confirmations = 0;
  try {
    const batch = await checkBatch(chain, receipt);
    results.push(batch.result);
    if (batch.result.code === "WRONG_CHAIN") {
      results.push(skipped("transaction", "the RPC serves another chain"));
      results.push(skipped("block", "the RPC serves another chain"));
      return { results, confirmations };
    }
    results.push(await checkTransaction(chain, receipt.anchor));
    const block = await checkBlock(chain, receipt, batch.onChain, minConfirmations);
    results.push(block.result);
    confirmations = block.confirmations;
  } catch (error) {
    const order: StepName[] = ["batch", "transaction", "block"];
    const at = order[results.length]!;
    results.push({
      step: at,
      status: "error",
      code: "CHAIN_UNREACHABLE",
      message: `could not read the chain: ${error instanceof Error ? error.message : String(error)}`,
    });
    for (const step of order.slice(results.length))
      results.push(skipped(step, "the chain could not be read"));
  }
  return { results, confirmations };
}

/** The contract holds this root at this batch index for this operator, over this range. */
export async function checkBatch(
  chain: ChainReader,
  receipt: Anchored,
): Promise<{ result: StepResult<BatchCode>; onChain?: OnChainBatchView }> {
  const a = receipt.anchor;
  const chainId = await chain.chainId();
  if (chainId !== a.chainId)
    return {
      result: failed(
        "batch",
        "WRONG_CHAIN",
        `the RPC serves chain ${chainId}, the receipt names chain ${a.chainId}`,
      ),
    };
  // A look-alike contract answers the same view functions with whatever its operator wants
  // (a batch rewritten, say): only a published EvidenceLedger build is a witness.
  const code = await chain.code(a.contract);
  if (code !== "0x" && !isPublishedLedgerCode(code))
    return {
      result: failed(
        "batch",
        "LEDGER_CODE_UNKNOWN",
        `contract ${a.contract} is not a published EvidenceLedger build (runtime code hash ${keccak256(code)})`,
      ),
    };
  const batch =
    code === "0x" ? undefined : await chain.batchOf(a.contract, a.operator, a.batchIndex);
  if (!batch)
    return {
      result: failed(
        "batch",
        "BATCH_NOT_ON_CHAIN",
        `contract ${a.contract} holds no batch ${a.batchIndex} for operator ${a.operator}`,
      ),
    };
  const result =
    batch.root.toLowerCase() !== a.root.toLowerCase()
      ? failed<BatchCode>(
          "batch",
          "ROOT_NOT_ON_CHAIN",
          `batch ${a.batchIndex} on chain has root ${batch.root}, not ${a.root}`,
        )
      : batch.firstSeq !== a.firstSeq || batch.count !== a.treeSize
        ? failed<BatchCode>(
            "batch",
            "BATCH_RANGE_MISMATCH",
            `batch ${a.batchIndex} on chain covers ${batch.count} records from seq ${batch.firstSeq}`,
          )
        : passed<BatchCode>(
            "batch",
            `batch ${a.batchIndex} of operator ${a.operator} holds this root, seqs ${batch.firstSeq}..${batch.firstSeq + batch.count - 1}`,
          );
  return { result, onChain: batch };
}

/**
 * The anchor transaction named by the receipt, read through the RPC: the operator's call of
 * `anchor(root, firstSeq, count)` on the ledger with the receipt's values, succeeded, mined in
 * the stated block, emitting `BatchAnchored` for the stated batch. Without this a receipt could
 * name any transaction hash at all.
 */
export async function checkTransaction(
  chain: ChainReader,
  a: AnchorFacts,
): Promise<StepResult<TransactionCode>> {
  const mismatch = (message: string) =>
    failed<TransactionCode>("transaction", "TRANSACTION_MISMATCH", message);
  const tx = await chain.transaction(a.txHash);
  if (!tx)
    return failed(
      "transaction",
      "TRANSACTION_NOT_FOUND",
      `the chain has no transaction ${a.txHash}`,
    );
  if (!same(tx.from, a.operator))
    return mismatch(`sent by ${tx.from}, not the operator ${a.operator}`);
  if (!same(tx.to, a.contract)) return mismatch(`sent to ${tx.to}, not the ledger ${a.contract}`);
  if (!isAnchorCall(tx.input, a))
    return mismatch(`it is not anchor(${a.root}, ${a.firstSeq}, ${a.treeSize})`);
  if (tx.status !== 1) return mismatch("it did not succeed (or is not mined)");
  if (tx.blockNumber !== a.blockNumber || !same(tx.blockHash, a.blockHash))
    return mismatch(`it was mined in block ${tx.blockNumber}, not ${a.blockNumber} ${a.blockHash}`);
  const event = tx.logs
    .filter((l) => same(l.address, a.contract))
    .map((l) => {
      try {
        return LEDGER.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((e) => e?.name === "BatchAnchored");
  if (
    !event ||
    !same(event.args[0] as string, a.operator) ||
    Number(event.args[1]) !== a.batchIndex ||
    !same(event.args[2] as string, a.root)
  )
    return mismatch(`it emitted no BatchAnchored event for batch ${a.batchIndex} with this root`);
  return passed(
    "transaction",
    `${a.txHash}: the operator's anchor call for batch ${a.batchIndex}, mined in block ${a.blockNumber}`,
  );
}

/** The stated block is the chain's, at the stated time, under enough confirmations. */
export async function checkBlock(
  chain: ChainReader,
  receipt: Anchored,
  batch: OnChainBatchView | undefined,
  minimum: number,
): Promise<{ result: StepResult<BlockCode>; confirmations: number }> {
  const a = receipt.anchor;
  const block = await chain.block(a.blockNumber);
  const latest = await chain.latestBlockNumber();
  const confirmations = Math.max(0, latest - a.blockNumber + 1);
  const result =
    !block || block.hash.toLowerCase() !== a.blockHash.toLowerCase()
      ? failed<BlockCode>(
          "block",
          "BLOCK_MISMATCH",
          `block ${a.blockNumber} on chain is not ${a.blockHash}`,
        )
      : block.timestamp !== a.blockTimestamp ||
          (batch && (batch.blockNumber !== a.blockNumber || batch.timestamp !== a.blockTimestamp))
        ? failed<BlockCode>(
            "block",
            "BLOCK_MISMATCH",
            "the block's number or time differs from the receipt",
          )
        : confirmations < minimum
          ? failed<BlockCode>(
              "block",
              "NOT_ENOUGH_CONFIRMATIONS",
              `${confirmations} confirmation(s), ${minimum} required`,
            )
          : passed<BlockCode>(
              "block",
              `block ${a.blockNumber} at ${new Date(a.blockTimestamp * 1000).toISOString()}, ${confirmations} confirmation(s)`,
            );
  return { result, confirmations };
}
