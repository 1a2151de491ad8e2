import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type PostgresDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
} from "kysely";

/** Kysely's own bookkeeping, left out unless asked for (as Kysely's introspectors do). */
const KYSELY_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

/**
 * Looks at one ledger's schema only, through `information_schema`.
 *
 * WARNING: Kysely's own PostgreSQL introspector reads every table of the database and calls
 * `has_schema_privilege(nspname, …)` and `pg_get_serial_sequence('schema.table', …)` on each,
 * which look schemas up by name: a schema another ledger drops while that query runs makes it
 * fail with `schema "…" does not exist`, and this ledger's start (its migrations) with it.
 * `information_schema` joins by oid, and a dropped schema's rows are simply not there.
 */
export class LedgerSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{
      name: string;
    }>`select schema_name as name from information_schema.schemata`.execute(this.db);
    return rows;
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      table: string;
      type: string;
      column: string | null;
      data_type: string | null;
      nullable: string | null;
      default_value: string | null;
      identity: string | null;
    }>`
      select t.table_name as table, t.table_type as type, c.column_name as column,
             c.udt_name as data_type, c.is_nullable as nullable,
             c.column_default as default_value, c.is_identity as identity
        from information_schema.tables t
        left join information_schema.columns c
          on c.table_schema = t.table_schema and c.table_name = t.table_name
       where t.table_schema = ${this.schema}
       order by t.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.has(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: this.schema, isView: row.type === "VIEW", columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      table.columns.push({
        name: row.column,
        dataType: row.data_type ?? "",
        isNullable: row.nullable === "YES",
        hasDefaultValue: row.default_value !== null || row.identity === "YES",
        isAutoIncrementing: row.identity === "YES" || /^nextval\(/.test(row.default_value ?? ""),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** PostgreSQL as Kysely speaks it, looking only at the ledger's own schema. */
export class LedgerPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new LedgerSchemaIntrospector(db, this.schema);
  }
}
