import { type AbstractProvider, keccak256, Transaction, type Wallet } from "ethers";
import { EvidenceLedger__factory, type EvidenceLedger } from "../../typechain-types";

export interface OnChainAnchoring {
  batchIndex: number;
  root: string;
  firstSeq: number;
  count: number;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  blockTimestamp: number;
}

export interface SignedAnchor {
  rawTx: string;
  txHash: string;
  nonce: number;
}

/** EIP-1559 fees of a transaction, in wei. */
export interface AnchorFees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Gas for one `anchor` call, with room: a ledger's first batch costs 137,530 (storage slots set
 * from zero), later ones 86,242 (`npm run bench`). Fixed, because estimating against the current
 * state fails for a batch whose predecessor is still in flight; only the gas used is paid.
 */
const ANCHOR_GAS_LIMIT = 200_000n;

/** Sends a signed transaction: to the embedded chain's journal, or to an external node. */
export type Broadcast = (rawTx: string) => Promise<void>;

/**
 * The operator's view of its log in an EvidenceLedger: reads, and anchor transactions signed
 * locally so the exact bytes can be stored before they are sent (and re-sent after a crash).
 */
export class LedgerChain {
  readonly contract: EvidenceLedger;

  constructor(
    readonly provider: AbstractProvider,
    readonly operator: Wallet,
    readonly address: string,
    readonly chainId: bigint,
    private readonly broadcastRaw: Broadcast,
    /** The widest block range one `eth_getLogs` may ask for (public RPCs refuse wider ones). */
    private readonly maxLogRange = 5_000,
  ) {
    this.contract = EvidenceLedger__factory.connect(address, provider);
  }

  /** Whether the ledger's address holds contract code (a reset chain or a wrong address does not). */
  async hasCode(): Promise<boolean> {
    return (await this.provider.getCode(this.address)) !== "0x";
  }

  async nextSeq(): Promise<number> {
    return Number(await this.contract.nextSeqOf(this.operator.address));
  }

  async batchCount(): Promise<number> {
    return Number(await this.contract.batchCountOf(this.operator.address));
  }

  async head(): Promise<string> {
    return this.contract.headOf(this.operator.address);
  }

  async blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  /** The BatchAnchored event of batch `batchIndex`, with its block, if it is on chain. */
  /**
   * Where batch `batchIndex` was anchored, if it was. The stored transaction is asked first: one
   * receipt, no log search. Failing that (a transaction replaced, or none stored), the logs
   * after `fromBlock` are searched in windows of `maxLogRange` blocks: public RPCs refuse
   * wider ranges, and a search from block 0 on a long chain failed for ever.
   */
  async findAnchoring(
    batchIndex: number,
    options: { fromBlock?: number; txHash?: string | null } = {},
  ): Promise<OnChainAnchoring | undefined> {
    if (options.txHash) {
      const receipt = await this.provider.getTransactionReceipt(options.txHash);
      const event = receipt?.logs
        .filter((l) => l.address.toLowerCase() === this.address.toLowerCase())
        .map((l) => ({ parsed: this.contract.interface.parseLog(l) }))
        .find(
          ({ parsed }) =>
            parsed?.name === "BatchAnchored" &&
            (parsed.args.operator as string).toLowerCase() ===
              this.operator.address.toLowerCase() &&
            Number(parsed.args.batchIndex) === batchIndex,
        );
      if (receipt && event?.parsed)
        return this.anchoringAt(
          batchIndex,
          receipt.blockNumber,
          receipt.hash,
          event.parsed.args as unknown as { root: string; firstSeq: bigint; count: bigint },
        );
    }
    const filter = this.contract.filters.BatchAnchored(this.operator.address, batchIndex);
    const latest = (await this.provider.getBlock("latest"))?.number ?? 0;
    for (let from = options.fromBlock ?? 0; from <= latest; from += this.maxLogRange) {
      const to = Math.min(latest, from + this.maxLogRange - 1);
      const [event] = await this.contract.queryFilter(filter, from, to);
      if (event)
        return this.anchoringAt(batchIndex, event.blockNumber, event.transactionHash, event.args);
    }
    return undefined;
  }

  private async anchoringAt(
    batchIndex: number,
    blockNumber: number,
    txHash: string,
    args: { root: string; firstSeq: bigint; count: bigint },
  ): Promise<OnChainAnchoring | undefined> {
    const block = await this.provider.getBlock(blockNumber);
    if (!block?.hash) return undefined;
    return {
      batchIndex,
      root: args.root,
      firstSeq: Number(args.firstSeq),
      count: Number(args.count),
      txHash,
      blockNumber,
      blockHash: block.hash,
      blockTimestamp: block.timestamp,
    };
  }

  /**
   * Signs `anchor(root, firstSeq, count)` with the given nonce (consecutive batches take
   * consecutive nonces, so several can be in flight and still land in order) and fees: the
   * network's current suggestion unless `fees` is given (a replacement).
   */
  async signAnchor(
    root: string,
    firstSeq: number,
    count: number,
    options: { nonce: number; fees?: AnchorFees },
  ): Promise<SignedAnchor> {
    const data = this.contract.interface.encodeFunctionData("anchor", [root, firstSeq, count]);
    const fees = options.fees ?? (await this.suggestedFees());
    const rawTx = await this.operator.signTransaction({
      type: 2,
      chainId: this.chainId,
      nonce: options.nonce,
      to: this.address,
      data,
      gasLimit: ANCHOR_GAS_LIMIT,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return { rawTx, txHash: keccak256(rawTx), nonce: options.nonce };
  }

  /** What the network suggests now: twice the next base fee plus the suggested tip. */
  async suggestedFees(): Promise<AnchorFees> {
    const [fees, baseFee] = await Promise.all([this.provider.getFeeData(), this.baseFee()]);
    const tip = fees.maxPriorityFeePerGas ?? 0n;
    return {
      maxPriorityFeePerGas: tip,
      maxFeePerGas: baseFee !== undefined ? baseFee * 2n + tip : (fees.gasPrice ?? 1n),
    };
  }

  /**
   * The latest block's base fee, if the chain has one. (The pending block would say the next
   * one's, but not every node can describe a pending block.) A transaction offering less cannot
   * be mined at today's fees.
   */
  async baseFee(): Promise<bigint | undefined> {
    return (await this.provider.getBlock("latest"))?.baseFeePerGas ?? undefined;
  }

  /** The fees a signed transaction offers. */
  static feesOf(rawTx: string): AnchorFees {
    const tx = Transaction.from(rawTx);
    return {
      maxFeePerGas: tx.maxFeePerGas ?? tx.gasPrice ?? 0n,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? tx.gasPrice ?? 0n,
    };
  }

  /** The transaction's receipt once mined, else null. */
  async receipt(txHash: string) {
    return this.provider.getTransactionReceipt(txHash);
  }

  broadcast(rawTx: string): Promise<void> {
    return this.broadcastRaw(rawTx);
  }

  /**
   * Waits until the transaction has `confirmations` blocks; its receipt, or null on timeout.
   * Polls the receipt rather than following blocks: ethers' waitForTransaction replays every
   * block event it missed, which after a long outage is slow.
   */
  async waitMined(txHash: string, confirmations: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    const every = Math.max(50, Math.min(1_000, timeoutMs / 10));
    for (;;) {
      const receipt = await this.provider.getTransactionReceipt(txHash);
      if (receipt) {
        const latest = (await this.provider.getBlock("latest"))?.number ?? receipt.blockNumber;
        if (latest - receipt.blockNumber + 1 >= confirmations) return receipt;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, Math.min(every, deadline - Date.now())));
    }
  }

  /** The canonical block at a height, for reorg checks. */
  async blockHashAt(blockNumber: number): Promise<string | undefined> {
    return (await this.provider.getBlock(blockNumber))?.hash ?? undefined;
  }

  async transactionCount(tag: "latest" | "pending"): Promise<number> {
    return this.provider.getTransactionCount(this.operator.address, tag);
  }
}
