import { expect } from "chai";
import pg from "pg";
import { openDatabase } from "../../service/storage";
import { dropSchema, newSchemaName, PG_URL } from "../support/postgres";

/**
 * Several ledgers in one PostgreSQL database, each in its schema (DESIGN §8): one starting
 * while another's schema is dropped must not care.
 */
describe("ledgers sharing one PostgreSQL database", function () {
  this.timeout(120_000);

  it("start (migrate) while other schemas are created and dropped beside them", async () => {
    const churner = new pg.Client({ connectionString: PG_URL });
    await churner.connect();
    const prefix = newSchemaName();
    let stop = false;
    let churned = 0;
    // A schema with a serial column is what the race needed: introspection looked up every
    // table's sequence by its schema's name.
    const churn = (async () => {
      while (!stop) {
        const name = `${prefix}_${churned++}`;
        await churner.query(
          `create schema "${name}"; create table "${name}".t (id serial primary key, a text)`,
        );
        await churner.query(`drop schema "${name}" cascade`);
      }
    })();
    const failures: string[] = [];
    const schemas: string[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const schema = newSchemaName();
        schemas.push(schema);
        try {
          const { db } = await openDatabase({
            databaseUrl: PG_URL,
            sqliteFile: "",
            pgSchema: schema,
          });
          // Opened again: the idempotent migrations read the columns they find in this schema.
          await db.destroy();
          const again = await openDatabase({
            databaseUrl: PG_URL,
            sqliteFile: "",
            pgSchema: schema,
          });
          const columns = (await again.db.introspection.getTables())
            .find((t) => t.name === "record_files")
            ?.columns.map((c) => c.name);
          expect(columns).to.include.members(["keep_until", "erased_by"]);
          const tables = (await again.db.introspection.getTables()).map((t) => t.schema);
          expect(new Set(tables)).to.deep.equal(new Set([schema]));
          await again.db.destroy();
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    } finally {
      stop = true;
      await churn;
      await churner.end();
      for (const schema of schemas) await dropSchema(schema);
    }
    expect(churned, "schemas dropped meanwhile").to.be.above(20);
    expect(failures).to.deep.equal([]);
  });
});
