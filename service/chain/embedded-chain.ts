import type { EthereumProvider } from "hardhat/types";
import type { Server } from "node:http";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ChainArchive, toWord, type ArchivedBlock } from "./archive";
import { archiveProvider } from "./archive-rpc";
import { BlockJournal, type JournalEntry } from "./journal";
import { ARCHIVE_METHODS, serveReadOnlyRpc } from "./rpc-server";

/**
 * WARNING: these settings fix the genesis block. Changing any of them (or the pinned Hardhat
 * version) makes a chain opened from an old journal alone produce other block hashes, and every
 * receipt issued on it would stop verifying.
 */
export const EMBEDDED_CHAIN_ID = 31337;
const GENESIS = {
  initialDate: "2026-01-01T00:00:00Z",
  hardfork: "cancun",
  chainId: EMBEDDED_CHAIN_ID,
  // Blocks are mined only by `submit`, so every block is journaled and archived.
  mining: { auto: false, interval: 0 },
} as const;

export interface OpenOptions {
  /**
   * Read, never write: for tools that open the chain of a running service (the audit). The
   * chain is forked from the archive's head; journal entries not yet archived are left to the
   * service, which archives them.
   */
  readOnly?: boolean;
  /** Hears of failures in background work (the archive's checkpoints). */
  onWarning?: (message: string) => void;
}

/**
 * A local Hardhat chain that survives restarts in constant time.
 *
 * Every block is journaled (raw transactions and timestamp, fsynced) before it is mined, then
 * archived (`ChainArchive`: the block as served, its receipts, logs and the state it changed)
 * before anyone is told it exists. A start forks a fresh Hardhat chain from the archive's head
 * through Hardhat's fork mode, which reads old blocks and state from the archive as they are
 * asked for, so old blocks keep their hashes and new ones link to them. Only journal entries a
 * crash left unarchived (at most the block being mined) are replayed. A data directory from
 * before the archive (a journal alone) is replayed once from genesis, archiving as it goes.
 */
export class EmbeddedChain {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly provider: EthereumProvider,
    private readonly journal: BlockJournal,
    private readonly archive: ChainArchive | undefined,
    private readonly readOnly: boolean,
    private readonly archiveServer: Server | undefined,
    private lastTimestamp: number,
    private nextNumber: number,
    /** Blocks mined again from the journal at this start (0 on a clean restart). */
    readonly replayedBlocks: number,
    /** The archived block this start forked from, or null for a chain started from genesis. */
    readonly forkedAt: number | null,
    private readonly forkCache: string | undefined,
  ) {}

  static async open(dir: string, options: OpenOptions = {}): Promise<EmbeddedChain> {
    const journal = new BlockJournal(join(dir, "blocks.jsonl"));
    const archiveFile = join(dir, "archive.sqlite");
    const archive = await openArchive(archiveFile, options);
    const head = archive?.head();
    let provider: EthereumProvider;
    let server: Server | undefined;
    let cacheDir: string | undefined;
    if (head && head.number > 0) {
      ({ server, provider, cacheDir } = await forkFrom(archive!, head.number));
    } else {
      provider = await hardhatProvider();
      if (archive && !head) await archive.append(await capture(provider, 0));
    }
    let lastTimestamp = head?.timestamp ?? (await blockTimestamp(provider, 0));
    // Entries past the archive's head: all of them for a journal from before the archive,
    // at most the block a crash interrupted otherwise.
    const tail = (await journal.read({ repair: !options.readOnly })).filter(
      (e) => e.number > (head?.number ?? 0),
    );
    const replay = options.readOnly && head ? [] : tail;
    for (const entry of replay) {
      await mineEntry(provider, entry);
      if (!options.readOnly) await archive?.append(await capture(provider, entry.number));
      lastTimestamp = entry.timestamp;
    }
    // Everything journaled is archived now: the journal starts again, empty.
    if (!options.readOnly) await journal.clear();
    let top = (head?.number ?? 0) + replay.length;
    if (head && head.number > 0 && replay.length === 0) {
      // Hardhat runs calls at the fork block as "historical" and refuses them on a chain whose
      // hardfork history it does not know (NomicFoundation/edr#522; a configured history is not
      // applied to chain 31337). One local block on top makes `latest` its own again.
      lastTimestamp = Math.max(Math.floor(Date.now() / 1000), lastTimestamp + 1);
      top += 1;
      const entry = { number: top, timestamp: lastTimestamp, txs: [] };
      if (!options.readOnly) await journal.append(entry);
      await mineEntry(provider, entry);
      if (!options.readOnly) await archive?.append(await capture(provider, top));
    }
    return new EmbeddedChain(
      provider,
      journal,
      archive,
      options.readOnly === true,
      server,
      lastTimestamp,
      top + 1,
      replay.length,
      head && head.number > 0 ? head.number : null,
      cacheDir,
    );
  }

  /**
   * Mines one block holding the signed transaction `rawTx`, journaled first and archived
   * before this resolves. Calls are serialised: blocks are mined one at a time in journal
   * order. Resolves with the block number.
   */
  submit(rawTx: string): Promise<number> {
    const result = this.queue.then(() => this.mine(rawTx));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.archiveServer) {
      this.archiveServer.closeAllConnections();
      await new Promise<void>((resolve) => this.archiveServer!.close(() => resolve()));
    }
    await this.archive?.close();
    if (this.forkCache) await rm(this.forkCache, { recursive: true, force: true });
  }

  private async mine(rawTx: string): Promise<number> {
    if (this.readOnly || !this.archive) throw new Error("this embedded chain was opened read-only");
    // Into the mempool first: an invalid transaction is refused before anything is journaled,
    // and one transaction per block means a refusal never strands another in the mempool.
    await this.provider.request({ method: "eth_sendRawTransaction", params: [rawTx] });
    const timestamp = Math.max(Math.floor(Date.now() / 1000), this.lastTimestamp + 1);
    const number = this.nextNumber;
    await this.journal.append({ number, timestamp, txs: [rawTx] });
    await this.provider.request({ method: "evm_mine", params: [timestamp] });
    this.lastTimestamp = timestamp;
    this.nextNumber = number + 1;
    await this.archive.append(await capture(this.provider, number));
    return number;
  }
}

/**
 * Hardhat's configuration of the embedded chain. A fork names its block: left to itself,
 * Hardhat forks an unknown chain some blocks below its head, as if it could reorganise.
 * WARNING: a fork at a named block caches the source's answers on disk, under the project's
 * cache path or, without one, in `edr-cache/` in the working directory; the archive is a
 * loopback call away, so the cache goes to a scratch directory removed at close.
 */
async function hardhatProvider(fork?: {
  url: string;
  blockNumber: number;
  cacheDir: string;
}): Promise<EthereumProvider> {
  // Loaded only when an embedded chain opens: a service anchoring on an external chain runs
  // without Hardhat installed (npm ci --omit=dev).
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on use, on purpose */
  const { resolveConfig } =
    require("hardhat/internal/core/config/config-resolution") as typeof import("hardhat/internal/core/config/config-resolution");
  const { createProvider } =
    require("hardhat/internal/core/providers/construction") as typeof import("hardhat/internal/core/providers/construction");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config = resolveConfig(__filename, {
    networks: {
      hardhat: {
        ...GENESIS,
        ...(fork ? { forking: { url: fork.url, blockNumber: fork.blockNumber } } : {}),
      },
    },
    ...(fork ? { paths: { cache: fork.cacheDir } } : {}),
  } as never);
  return createProvider(
    fork ? config : ({ ...config, paths: undefined } as unknown as typeof config),
    "hardhat",
  );
}

async function openArchive(file: string, options: OpenOptions): Promise<ChainArchive | undefined> {
  if (!options.readOnly) {
    await mkdir(dirname(file), { recursive: true });
    return ChainArchive.open(file, { onWarning: options.onWarning });
  }
  // No archive: a journal from before it, replayed in memory.
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  return exists ? ChainArchive.open(file, { readOnly: true }) : undefined;
}

/** A Hardhat chain forked from the archive's head, the archive served to it on loopback. */
async function forkFrom(
  archive: ChainArchive,
  blockNumber: number,
): Promise<{ server: Server; provider: EthereumProvider; cacheDir: string }> {
  const { server, url } = await serveReadOnlyRpc(archiveProvider(archive), {
    host: "127.0.0.1",
    port: 0,
    allowed: ARCHIVE_METHODS,
  });
  const cacheDir = await mkdtemp(join(tmpdir(), "notary-fork-cache-"));
  const provider = await hardhatProvider({ url, blockNumber, cacheDir });
  return { server, provider, cacheDir };
}

async function mineEntry(provider: EthereumProvider, entry: JournalEntry): Promise<void> {
  // A transaction that failed live fails the same way here; the block is mined regardless.
  for (const raw of entry.txs)
    await provider
      .request({ method: "eth_sendRawTransaction", params: [raw] })
      .catch(() => undefined);
  await provider.request({ method: "evm_mine", params: [entry.timestamp] });
}

async function blockTimestamp(provider: EthereumProvider, number: number): Promise<number> {
  const block = (await provider.request({
    method: "eth_getBlockByNumber",
    params: [hex(number), false],
  })) as { timestamp: string };
  return Number(block.timestamp);
}

const hex = (n: number) => `0x${n.toString(16)}`;

interface RpcBlock {
  number: string;
  hash: string;
  timestamp: string;
  miner: string;
  transactions: { hash: string; from: string; to: string | null }[];
}

/**
 * What the archive keeps of block `number`: the block and receipts verbatim, and the state it
 * left in every account it touched. Storage slots are found by tracing each transaction: the
 * embedded chain runs only the ledger contract (its JSON-RPC refuses every write), which calls
 * no other contract, so a transaction's storage is the storage of the contract it calls.
 */
async function capture(provider: EthereumProvider, number: number): Promise<ArchivedBlock> {
  const ask = <T>(method: string, params: unknown[]) =>
    provider.request({ method, params }) as Promise<T>;
  const tag = hex(number);
  const full = await ask<RpcBlock>("eth_getBlockByNumber", [tag, true]);
  const txs: ArchivedBlock["txs"] = [];
  const touched = new Set<string>([full.miner.toLowerCase()]);
  const slots = new Map<string, Set<string>>();
  for (const tx of full.transactions) {
    const receipt = await ask<{ contractAddress: string | null }>("eth_getTransactionReceipt", [
      tx.hash,
    ]);
    txs.push({ hash: tx.hash, receipt });
    const target = (receipt.contractAddress ?? tx.to)?.toLowerCase();
    touched.add(tx.from.toLowerCase());
    if (!target) continue;
    touched.add(target);
    const trace = await ask<{ structLogs: { storage?: Record<string, string> }[] }>(
      "debug_traceTransaction",
      [tx.hash],
    );
    const set = slots.get(target) ?? new Set<string>();
    for (const step of trace.structLogs)
      for (const slot of Object.keys(step.storage ?? {})) set.add(toWord(slot));
    slots.set(target, set);
  }
  const accounts = await Promise.all(
    [...touched].map(async (address) => {
      const [nonce, balance, code] = await Promise.all([
        ask<string>("eth_getTransactionCount", [address, tag]),
        ask<string>("eth_getBalance", [address, tag]),
        ask<string>("eth_getCode", [address, tag]),
      ]);
      return { address, nonce, balance, code };
    }),
  );
  const storage = (
    await Promise.all(
      [...slots].flatMap(([address, set]) =>
        [...set].map(async (slot) => ({
          address,
          slot,
          value: toWord(await ask<string>("eth_getStorageAt", [address, slot, tag])),
        })),
      ),
    )
  ).flat();
  return {
    number,
    hash: full.hash,
    timestamp: Number(full.timestamp),
    full,
    txs,
    accounts,
    storage,
  };
}
