import Database from "libsql";
import { open, type FileHandle } from "node:fs/promises";
import { WalCheckpointer } from "../storage/wal-checkpointer";

/** A block as the chain served it, with what it changed: everything a later start needs. */
export interface ArchivedBlock {
  number: number;
  hash: string;
  timestamp: number;
  /** `eth_getBlockByNumber(n, true)` and `(n, false)`, verbatim. */
  full: unknown;
  bare: unknown;
  txs: { hash: string; tx: unknown; receipt: unknown }[];
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
          full text not null, bare text not null);
        create table if not exists txs (
          hash text primary key, block_number integer not null,
          tx text not null, receipt text not null);
        create table if not exists logs (
          block_number integer not null, log_index integer not null, address text not null,
          topic0 text, topic1 text, topic2 text, topic3 text, json text not null,
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
      archive.checkpointer = new WalCheckpointer([file], 5_000, () => undefined);
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
      "insert into blocks (number, hash, timestamp, full, bare) values (?, ?, ?, ?, ?)",
    );
    const insertTx = this.db.prepare(
      "insert or replace into txs (hash, block_number, tx, receipt) values (?, ?, ?, ?)",
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
      insertBlock.run(
        block.number,
        block.hash,
        block.timestamp,
        JSON.stringify(block.full),
        JSON.stringify(block.bare),
      );
      for (const { hash, tx, receipt } of block.txs) {
        insertTx.run(hash, block.number, JSON.stringify(tx), JSON.stringify(receipt));
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
            JSON.stringify(log),
          );
        }
      }
      for (const a of block.accounts)
        upsertAccount.run(a.address.toLowerCase(), a.nonce, a.balance, a.code);
      for (const s of block.storage)
        upsertSlot.run(s.address.toLowerCase(), s.slot.toLowerCase(), s.value);
    })();
  }

  blockByNumber(number: number, full: boolean): unknown {
    const row = this.db
      .prepare(`select ${full ? "full" : "bare"} as json from blocks where number = ?`)
      .get(number) as { json: string } | undefined;
    return row ? JSON.parse(row.json) : null;
  }

  blockByHash(hash: string, full: boolean): unknown {
    const row = this.db
      .prepare(`select ${full ? "full" : "bare"} as json from blocks where hash = ?`)
      .get(hash.toLowerCase()) as { json: string } | undefined;
    return row ? JSON.parse(row.json) : null;
  }

  transaction(hash: string): { tx: unknown; receipt: unknown } | undefined {
    const row = this.db
      .prepare("select tx, receipt from txs where hash = ?")
      .get(hash.toLowerCase()) as { tx: string; receipt: string } | undefined;
    return row ? { tx: JSON.parse(row.tx), receipt: JSON.parse(row.receipt) } : undefined;
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
    return (
      this.db
        .prepare(
          `select json from logs where ${where.join(" and ")} order by block_number, log_index`,
        )
        .all(...params) as { json: string }[]
    ).map((r) => JSON.parse(r.json) as unknown);
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
