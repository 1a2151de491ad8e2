import { defaultSha256, type Sha256 } from "../merkle";

/** A batch as EvidenceLedger.batchOf returns it. */
export interface OnChainBatch {
  root: Uint8Array;
  firstSeq: bigint;
  count: bigint;
  timestamp: bigint;
  blockNumber: bigint;
}

export const ZERO_HEAD = new Uint8Array(32);

/**
 * The contract's head chain, recomputed off-chain (see EvidenceLedger's contract doc):
 * head' = sha256(head ‖ root ‖ u64 firstSeq ‖ u64 count ‖ u64 timestamp ‖ u64 blockNumber).
 */
export function nextHead(
  head: Uint8Array,
  batch: OnChainBatch,
  sha256: Sha256 = defaultSha256,
): Uint8Array {
  const input = new Uint8Array(32 + 32 + 4 * 8);
  const view = new DataView(input.buffer);
  input.set(head, 0);
  input.set(batch.root, 32);
  view.setBigUint64(64, batch.firstSeq);
  view.setBigUint64(72, batch.count);
  view.setBigUint64(80, batch.timestamp);
  view.setBigUint64(88, batch.blockNumber);
  return sha256(input);
}

/** The head after all `batches`, in log order, starting from the zero head. */
export function headOfBatches(
  batches: Iterable<OnChainBatch>,
  sha256: Sha256 = defaultSha256,
): Uint8Array {
  let head: Uint8Array = ZERO_HEAD;
  for (const batch of batches) head = nextHead(head, batch, sha256);
  return head;
}
