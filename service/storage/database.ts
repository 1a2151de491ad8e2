import { Kysely, SqliteDialect, type DatabaseConnection, type Driver } from "kysely";
import Database from "libsql";
import { open, type FileHandle } from "node:fs/promises";
import pg from "pg";
import type { Schema } from "./schema";
import { migrate } from "./migrations";
import { LedgerPostgresDialect } from "./schema-introspector";
import { WalCheckpointer } from "./wal-checkpointer";

export type Db = Kysely<Schema>;

export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; otherwise the SQLite file is used. */
  databaseUrl?: string;
  sqliteFile: string;
  /** Hears of failures in background work (WAL checkpoints), which no request sees. */
  onBackgroundError?: (message: string) => void;
  /** PostgreSQL only: a schema to use (created if missing), so several ledgers share one database. */
  pgSchema?: string;
}

export type Engine = OpenedDatabase["engine"];

export interface OpenedDatabase {
  db: Db;
  engine: "sqlite" | "postgres";
  /** Where the data lives, without credentials, for the startup line. */
  description: string;
  /**
   * Makes every transaction committed so far durable against power loss. PostgreSQL's commit
   * already is (synchronous_commit); SQLite's is once the WAL is fsynced.
   */
  flushCommits: () => Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl && options.pgSchema)
    await createSchema(options.databaseUrl, options.pgSchema);
  const opened = options.databaseUrl
    ? openPostgres(
        options.databaseUrl,
        options.pgSchema,
        options.onBackgroundError ?? (() => undefined),
      )
    : openSqlite(options.sqliteFile, options.onBackgroundError ?? (() => undefined));
  await migrate(opened.db, {
    schema: opened.engine === "postgres" ? (options.pgSchema ?? "public") : undefined,
  });
  return opened;
}

/** Before the pool exists: its connections must find the schema in their search path. */
async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Replicas starting together race to create it, and `if not exists` does not stop two
    // creations at once from colliding: one at a time, under a lock held until the commit.
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock(hashtext('evidence-notary schema'))");
    await client.query(`create schema if not exists "${schema.replace(/"/g, '""')}"`);
    await client.query("commit");
  } finally {
    await client.end();
  }
}

function openSqlite(file: string, onBackgroundError: (message: string) => void): OpenedDatabase {
  const database = new Database(file);
  // WAL with synchronous = NORMAL, plus our own fsync of the WAL after every commit (below):
  // as durable as FULL, which differs from NORMAL only by that fsync, but the fsync runs on
  // libuv's thread pool instead of blocking the event loop inside the synchronous driver.
  database.exec(
    // secure_delete: an erased personal value is overwritten in the file, not left in a free page.
    "pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on; pragma busy_timeout = 5000; pragma wal_autocheckpoint = 0; pragma secure_delete = on;",
  );
  const checkpointer = new WalCheckpointer([file], 1_000, onBackgroundError);
  cachePreparedStatements(database);
  // libsql implements the better-sqlite3 interface Kysely's SqliteDialect expects.
  const db = new Kysely<Schema>({
    dialect: new SqliteAfterFullDialect({ database: database as never }),
  });
  let wal: Promise<FileHandle> | undefined;
  const flushCommits = async () => {
    wal ??= open(`${file}-wal`, "r");
    await (await wal).datasync();
  };
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    await checkpointer.stop();
    await destroy();
    if (wal) await (await wal).close();
  };
  return { db, engine: "sqlite", description: `sqlite ${file}`, flushCommits };
}

/**
 * Kysely prepares every query anew; intake runs the same few statements thousands of times a
 * second, and preparing is a tenth of its database time. Statements are kept by their SQL
 * (a bounded set: the chunked inserts have one text per chunk size).
 */
function cachePreparedStatements(database: Database.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, ReturnType<typeof prepare>>();
  database.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= 500) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  }) as typeof database.prepare;
}

/**
 * SQLite rolls a transaction back by itself when the disk fills (SQLITE_FULL), so the
 * ROLLBACK Kysely then sends fails with "cannot rollback - no transaction is active" and
 * that error replaces the real one. This dialect lets the real one through.
 */
class SqliteAfterFullDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection) => {
      try {
        await rollback(connection);
      } catch (error) {
        if (!/no transaction is active/.test((error as Error).message)) throw error;
      }
    };
    return driver;
  }
}

function openPostgres(
  url: string,
  schema: string | undefined,
  onBackgroundError: (message: string) => void,
): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Cut off from the database, a request fails within this (503 DATABASE_UNAVAILABLE) rather
    // than waiting for ever on a connection that will not come.
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // int8 as number: every bigint here (seq, block numbers, sizes) stays below 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as "text"),
    },
  });
  // WARNING: an idle connection the server or the network drops emits "error" on the pool;
  // unheard, it would end the process. The pool discards that connection and opens another
  // for the next query, which fails (503 DATABASE_UNAVAILABLE) until the database is back.
  const lost = (error: Error) => onBackgroundError(`database connection lost: ${error.message}`);
  pool.on("error", lost);
  // A connection checked out when it drops emits "error" on itself, not the pool; the query on
  // it fails on its own, which is what the caller hears.
  pool.on("connect", (client) => client.on("error", lost));
  const db = new Kysely<Schema>({
    dialect: new LedgerPostgresDialect({ pool }, schema ?? "public"),
  });
  const safe = new URL(url);
  safe.password = "";
  return {
    db,
    flushCommits: async () => undefined,
    engine: "postgres",
    description: `postgres ${safe.host}${safe.pathname}${schema ? ` schema ${schema}` : ""}`,
  };
}
