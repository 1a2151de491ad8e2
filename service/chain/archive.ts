import Database from "libsql";
import { open, type FileHandle } from "node:fs/promises";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { WalCheckpointer } from "../storage/wal-checkpointer";

/** A block as the chain served it, with what it changed: everything a later start needs. */
export interface ArchivedBlock {
  number: number;
  hash: string;
  timestamp: number;
  /** `eth_getBlockByNumber(n, true)`, verbatim (the hashes-only form is derived from it). */
  full: unknown;
  /** The block's transactions in order, with their receipts verbatim. */
  txs: { hash: string; receipt: unknown }[];
  /** Accounts as they stand after the block. */
  accounts: { address: string; nonce: string; balance: string; code: string }[];
  /** Storage slots written (or read) in the block, with their values after it. */
  storage: { address: string; slot: string; value: string }[];
}

export interface LogFilter {
  fromBlock: number;
  toBlock: number;
  addresses: string[] | undefined;
  /** Topic positions 0-3: undefined matches anything, a list matches any of its values. */
  topics: (string[] | undefined)[];
}

const ZERO_WORD = `0x${"0".repeat(64)}`;

/**
 * The embedded chain's durable store: every block as it was served (so its hash never changes),
 * its transactions, receipts and logs, and the latest state of every account the chain touched.
 *
 * Why: Hardhat keeps no state on disk, and replaying every block at start costs 1-5 ms a block,
 * so a month of 2 s anchoring (about 1.3 million blocks) took most of an hour to restart. With
 * the archive, a start forks a fresh Hardhat chain from the archive's head (Hardhat's fork mode
 * fetches accounts, storage slots and old blocks from a JSON-RPC endpoint as they are needed):
 * constant work whatever the history, every old block served with the hash it was mined with,
 * and new blocks linked to the archived head. See `EmbeddedChain` for the crash rules.
 */
export class ChainArchive {
  private wal: Promise<FileHandle> | undefined;
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  static open(
    file: string,
    options: { readOnly?: boolean; onWarning?: (message: string) => void } = {},
  ): ChainArchive {
    const db = new Database(file, { readonly: options.readOnly ?? false } as never);
    if (!options.readOnly) {
      // NORMAL, and `append` fsyncs the WAL itself on libuv's thread pool: as durable as FULL,
      // without the driver's synchronous fsync stalling every request for its duration.
      db.exec(`
        pragma journal_mode = wal;
        pragma synchronous = normal;
        pragma wal_autocheckpoint = 0;
        create table if not exists blocks (
          number integer primary key, hash text not null unique, timestamp integer not null,
          full blob not null);
        create table if not exists txs (
          hash text primary key, block_number integer not null, position integer not null,
          receipt blob not null);
        create table if not exists logs (
          block_number integer not null, log_index integer not null, address text not null,
          topic0 text, topic1 text, topic2 text, topic3 text, tx_hash text not null,
          primary key (block_number, log_index));
        create index if not exists logs_by_address on logs (address, block_number);
        create table if not exists accounts (
          address text primary key, nonce text not null, balance text not null, code text not null);
        create table if not exists storage (
          address text not null, slot text not null, value text not null,
          primary key (address, slot));
      `);
    }
    const archive = new ChainArchive(db, file);
    // Checkpoints off the event loop, as for the ledger (see WalCheckpointer).
    if (!options.readOnly)
      archive.checkpointer = new WalCheckpointer(
        [file],
        5_000,
        options.onWarning ?? (() => undefined),
      );
    return archive;
  }

  head(): { number: number; hash: string; timestamp: number } | undefined {
    return this.db
      .prepare("select number, hash, timestamp from blocks order by number desc limit 1")
      .get() as { number: number; hash: string; timestamp: number } | undefined;
  }

  /** Stores a block and what it changed, all at once; resolves once it is on disk. */
  async append(block: ArchivedBlock): Promise<void> {
    this.write(block);
    this.wal ??= open(`${this.file}-wal`, "r");
    await (await this.wal).datasync();
  }

  private write(block: ArchivedBlock): void {
    const insertBlock = this.db.prepare(
      "insert into blocks (number, hash, timestamp, full) values (?, ?, ?, ?)",
    );
    const insertTx = this.db.prepare(
      "insert or replace into txs (hash, block_number, position, receipt) values (?, ?, ?, ?)",
    );
    const insertLog = this.db.prepare(
      "insert or replace into logs values (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const upsertAccount = this.db.prepare(
      "insert or replace into accounts (address, nonce, balance, code) values (?, ?, ?, ?)",
    );
    const upsertSlot = this.db.prepare(
      "insert or replace into storage (address, slot, value) values (?, ?, ?)",
    );
    this.db.transaction(() => {
      insertBlock.run(block.number, block.hash, block.timestamp, pack(block.full));
      block.txs.forEach(({ hash, receipt }, position) => {
        insertTx.run(hash.toLowerCase(), block.number, position, pack(receipt));
        for (const log of (receipt as { logs?: RawLog[] }).logs ?? []) {
          const t = log.topics ?? [];
          insertLog.run(
            block.number,
            Number(log.logIndex),
            log.address.toLowerCase(),
            t[0] ?? null,
            t[1] ?? null,
            t[2] ?? null,
            t[3] ?? null,
            hash.toLowerCase(),
          );
        }
      });
      for (const a of block.accounts)
        upsertAccount.run(a.address.toLowerCase(), a.nonce, a.balance, a.code);
      for (const s of block.storage)
        upsertSlot.run(s.address.toLowerCase(), s.slot.toLowerCase(), s.value);
    })();
  }

  blockByNumber(number: number, full: boolean): unknown {
    const row = this.db.prepare("select full from blocks where number = ?").get(number) as
      { full: Buffer } | undefined;
    return row ? shaped(unpack(row.full) as RpcBlock, full) : null;
  }

  blockByHash(hash: string, full: boolean): unknown {
    const row = this.db
      .prepare("select full from blocks where hash = ?")
      .get(hash.toLowerCase()) as { full: Buffer } | undefined;
    return row ? shaped(unpack(row.full) as RpcBlock, full) : null;
  }

  /** A transaction as served, from its block, and its receipt. */
  transaction(hash: string): { tx: unknown; receipt: unknown } | undefined {
    const row = this.db
      .prepare("select block_number, position, receipt from txs where hash = ?")
      .get(hash.toLowerCase()) as
      { block_number: number; position: number; receipt: Buffer } | undefined;
    if (!row) return undefined;
    const block = this.blockByNumber(row.block_number, true) as RpcBlock;
    return { tx: block.transactions[row.position], receipt: unpack(row.receipt) };
  }

  logs(filter: LogFilter): unknown[] {
    const where = ["block_number >= ?", "block_number <= ?"];
    const params: unknown[] = [filter.fromBlock, filter.toBlock];
    if (filter.addresses) {
      where.push(`address in (${filter.addresses.map(() => "?").join(",")})`);
      params.push(...filter.addresses.map((a) => a.toLowerCase()));
    }
    filter.topics.forEach((options, i) => {
      if (!options) return;
      where.push(`topic${i} in (${options.map(() => "?").join(",")})`);
      params.push(...options.map((t) => t.toLowerCase()));
    });
    const rows = this.db
      .prepare(
        `select log_index, tx_hash from logs where ${where.join(" and ")} order by block_number, log_index`,
      )
      .all(...params) as { log_index: number; tx_hash: string }[];
    // Each log as its receipt holds it: the receipt is the one copy kept.
    const receipts = new Map<string, { logs: RawLog[] }>();
    return rows.map(({ log_index, tx_hash }) => {
      let receipt = receipts.get(tx_hash);
      if (!receipt) {
        receipt = this.transaction(tx_hash)!.receipt as { logs: RawLog[] };
        receipts.set(tx_hash, receipt);
      }
      return receipt.logs.find((l) => Number(l.logIndex) === log_index);
    });
  }

  /** An account as it stands at the head: zero and empty if the chain never touched it. */
  account(address: string): { nonce: string; balance: string; code: string } {
    return (
      (this.db
        .prepare("select nonce, balance, code from accounts where address = ?")
        .get(address.toLowerCase()) as { nonce: string; balance: string; code: string }) ?? {
        nonce: "0x0",
        balance: "0x0",
        code: "0x",
      }
    );
  }

  storageAt(address: string, slot: string): string {
    const row = this.db
      .prepare("select value from storage where address = ? and slot = ?")
      .get(address.toLowerCase(), toWord(slot)) as { value: string } | undefined;
    return row?.value ?? ZERO_WORD;
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.wal) await (await this.wal).close();
    this.db.close();
  }
}

interface RpcBlock {
  transactions: ({ hash: string } | string)[];
}

/** The block with transaction objects, or with their hashes only, as `eth_getBlockBy*` serve. */
function shaped(block: RpcBlock, full: boolean): RpcBlock {
  if (full) return block;
  return {
    ...block,
    transactions: block.transactions.map((t) => (typeof t === "string" ? t : t.hash)),
  };
}

/**
 * JSON kept deflated: a block with its anchor transaction is about 8 KB of JSON (hex is most of
 * it), and at one block every 2 s an archive of plain JSON grew by half a gigabyte a day.
 */
function pack(value: unknown): Buffer {
  return deflateRawSync(JSON.stringify(value));
}

function unpack(blob: Buffer | Uint8Array): unknown {
  return JSON.parse(inflateRawSync(blob).toString("utf8"));
}

interface RawLog {
  address: string;
  topics?: string[];
  logIndex: string | number;
}

/** A storage slot or value as a 0x-prefixed 32-byte word, lower-case. */
export function toWord(hex: string): string {
  const digits = hex.toLowerCase().replace(/^0x/, "");
  return `0x${digits.padStart(64, "0")}`;
}
