/** What a verifier reads from the chain: an interface, so the core does no I/O itself. */
export interface OnChainBatchView {
  root: string;
  firstSeq: number;
  count: number;
  timestamp: number;
  blockNumber: number;
}

export interface ChainReader {
  chainId(): Promise<string>;
  /** The batch, or undefined when the operator has no batch with this index. */
  batchOf(
    contract: string,
    operator: string,
    batchIndex: number,
  ): Promise<OnChainBatchView | undefined>;
  block(blockNumber: number): Promise<{ hash: string; timestamp: number } | undefined>;
  latestBlockNumber(): Promise<number>;
  /** For audits: the operator's head and batch count, when the reader offers them. */
  headOf?(contract: string, operator: string): Promise<string>;
  batchCount?(contract: string, operator: string): Promise<number>;
}
