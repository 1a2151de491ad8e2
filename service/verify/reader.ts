/** What a verifier reads from the chain: an interface, so the core does no I/O itself. */
export interface OnChainBatchView {
  root: string;
  firstSeq: number;
  count: number;
  timestamp: number;
  blockNumber: number;
}

/** A transaction and its receipt, as far as a verifier needs them. */
export interface OnChainTransaction {
  from: string;
  to: string | null;
  /** The call data. */
  input: string;
  /** Null while not mined. */
  blockNumber: number | null;
  blockHash: string | null;
  /** From the receipt: 1 succeeded, 0 reverted; null while not mined. */
  status: number | null;
  logs: { address: string; topics: string[]; data: string }[];
}

export interface ChainReader {
  chainId(): Promise<string>;
  /** The runtime code at `address` (hex, "0x" for none): a ledger is known by its code hash. */
  code(address: string): Promise<string>;
  /** The batch, or undefined when the operator has no batch with this index. */
  batchOf(
    contract: string,
    operator: string,
    batchIndex: number,
  ): Promise<OnChainBatchView | undefined>;
  block(blockNumber: number): Promise<{ hash: string; timestamp: number } | undefined>;
  latestBlockNumber(): Promise<number>;
  /** The transaction with this hash, or undefined when the chain has none. */
  transaction(hash: string): Promise<OnChainTransaction | undefined>;
  /** For audits: the operator's head and batch count, when the reader offers them. */
  headOf?(contract: string, operator: string): Promise<string>;
  batchCount?(contract: string, operator: string): Promise<number>;
}
