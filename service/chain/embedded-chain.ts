import { resolveConfig } from "hardhat/internal/core/config/config-resolution";
import { createProvider } from "hardhat/internal/core/providers/construction";
import type { EthereumProvider } from "hardhat/types";
import { join } from "node:path";
import { BlockJournal } from "./journal";

/**
 * WARNING: these settings fix the genesis block. Changing any of them (or the pinned Hardhat
 * version) makes replay produce other block hashes, and every receipt issued on an existing
 * embedded chain would stop verifying.
 */
export const EMBEDDED_CHAIN_ID = 31337;
const GENESIS = {
  initialDate: "2026-01-01T00:00:00Z",
  hardfork: "cancun",
  chainId: EMBEDDED_CHAIN_ID,
  // Blocks are mined only by `submit`, so every block is in the journal.
  mining: { auto: false, interval: 0 },
} as const;

/**
 * A local Hardhat chain that survives restarts: each block is journaled (raw transactions and
 * timestamp) before it is mined, and replayed in order when the chain is opened again.
 */
export class EmbeddedChain {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly provider: EthereumProvider,
    private readonly journal: BlockJournal,
    private lastTimestamp: number,
    private nextNumber: number,
    readonly replayedBlocks: number,
  ) {}

  static async open(dir: string): Promise<EmbeddedChain> {
    // The path only anchors Hardhat's project paths, which an in-memory network never uses.
    const config = resolveConfig(__filename, { networks: { hardhat: GENESIS } });
    const provider = await createProvider(config, "hardhat");
    const journal = new BlockJournal(join(dir, "blocks.jsonl"));
    const genesis = (await provider.request({
      method: "eth_getBlockByNumber",
      params: ["0x0", false],
    })) as { timestamp: string };
    let lastTimestamp = Number(genesis.timestamp);
    const entries = await journal.read();
    for (const entry of entries) {
      // A transaction that failed live fails the same way here; the block is mined regardless.
      for (const raw of entry.txs)
        await provider
          .request({ method: "eth_sendRawTransaction", params: [raw] })
          .catch(() => undefined);
      await provider.request({ method: "evm_mine", params: [entry.timestamp] });
      lastTimestamp = entry.timestamp;
    }
    return new EmbeddedChain(provider, journal, lastTimestamp, entries.length + 1, entries.length);
  }

  /**
   * Mines one block holding the signed transaction `rawTx`, journaled first. Calls are
   * serialised: blocks are mined one at a time in journal order. Resolves with the block number.
   */
  submit(rawTx: string): Promise<number> {
    const result = this.queue.then(() => this.mine(rawTx));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async mine(rawTx: string): Promise<number> {
    // Into the mempool first: an invalid transaction is refused before anything is journaled,
    // and one transaction per block means a refusal never strands another in the mempool.
    await this.provider.request({ method: "eth_sendRawTransaction", params: [rawTx] });
    const timestamp = Math.max(Math.floor(Date.now() / 1000), this.lastTimestamp + 1);
    const number = this.nextNumber;
    await this.journal.append({ number, timestamp, txs: [rawTx] });
    await this.provider.request({ method: "evm_mine", params: [timestamp] });
    this.lastTimestamp = timestamp;
    this.nextNumber = number + 1;
    return number;
  }
}
