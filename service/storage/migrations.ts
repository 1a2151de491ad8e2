import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { normaliseListingUrl, parseCanonicalRecord, termsOf } from "../records";

/** A stored record's terms; one that cannot be read gets none here, and the audit names it. */
function termsOfStored(canonical: string): ReturnType<typeof termsOf> {
  try {
    return termsOf(parseCanonicalRecord(canonical));
  } catch {
    return [];
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against any past schema */

const initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("ledger_state")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("next_seq", "bigint", (c) => c.notNull())
      .addColumn("chain_id", "text")
      .addColumn("contract", "text")
      .addColumn("operator", "text")
      .execute();
    await db.insertInto("ledger_state").values({ id: 1, next_seq: 0 }).execute();

    await db.schema
      .createTable("records")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("seq", "bigint", (c) => c.notNull().unique())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("submitter_key", "text", (c) => c.notNull())
      .addColumn("canonical", "text", (c) => c.notNull())
      .addColumn("leaf_hash", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .addColumn("anchor_deadline", "text", (c) => c.notNull())
      .addColumn("batch_index", "bigint")
      .execute();
    await db.schema.createIndex("records_batch").on("records").column("batch_index").execute();
    await db.schema
      .createIndex("records_kind_time")
      .on("records")
      .columns(["kind", "received_at"])
      .execute();

    await db.schema
      .createTable("record_files")
      .addColumn("record_id", "text", (c) => c.notNull().references("records.id"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("sha256", "text", (c) => c.notNull())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("media_type", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("record_files_pk", ["record_id", "position"])
      .execute();
    await db.schema
      .createIndex("record_files_sha256")
      .on("record_files")
      .column("sha256")
      .execute();

    await db.schema
      .createTable("record_links")
      .addColumn("record_id", "text", (c) => c.notNull().references("records.id"))
      .addColumn("rel", "text", (c) => c.notNull())
      .addColumn("target_id", "text", (c) => c.notNull().references("records.id"))
      .addPrimaryKeyConstraint("record_links_pk", ["record_id", "rel", "target_id"])
      .execute();
    await db.schema
      .createIndex("record_links_target")
      .on("record_links")
      .column("target_id")
      .execute();

    await db.schema
      .createTable("batches")
      .addColumn("batch_index", "bigint", (c) => c.primaryKey())
      .addColumn("first_seq", "bigint", (c) => c.notNull().unique())
      .addColumn("count", "integer", (c) => c.notNull())
      .addColumn("root", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("cut_at", "text", (c) => c.notNull())
      .addColumn("operator", "text", (c) => c.notNull())
      .addColumn("tx_hash", "text")
      .addColumn("raw_tx", "text")
      .addColumn("nonce", "bigint")
      .addColumn("sent_at", "text")
      .addColumn("block_number", "bigint")
      .addColumn("block_hash", "text")
      .addColumn("block_timestamp", "bigint")
      .addColumn("anchored_at", "text")
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(sql`0`))
      .addColumn("last_error", "text")
      .execute();
    await db.schema.createIndex("batches_status").on("batches").column("status").execute();
  },
};

/** Who a record names, so rights-holder and merchant keys can read what concerns them. */
const recordParties: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("record_parties")
      .addColumn("record_id", "text", (c) => c.notNull().references("records.id"))
      .addColumn("party", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("record_parties_pk", ["record_id", "party"])
      .execute();
    await db.schema
      .createIndex("record_parties_party")
      .on("record_parties")
      .column("party")
      .execute();
  },
};

/** Searchable terms (merchant, rights holder, right number, listing URL) for regulators. */
const recordTerms: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("record_terms")
      .addColumn("record_id", "text", (c) => c.notNull().references("records.id"))
      .addColumn("field", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("record_terms_pk", ["record_id", "field", "value"])
      .execute();
    await db.schema
      .createIndex("record_terms_lookup")
      .on("record_terms")
      .columns(["field", "value"])
      .execute();
  },
};

/**
 * Records of one kind in seq order: exports and searches page through a kind by seq, which the
 * (kind, received_at) index cannot serve without sorting every remaining row of the kind.
 */
const recordsByKind: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex("records_kind_seq")
      .on("records")
      .columns(["kind", "seq"])
      .execute();
  },
};

/**
 * Listing URLs were indexed as written (lower-cased); they are now indexed normalised, so the
 * same listing written another way is found. Re-derives the stored terms a page at a time.
 * Uses today's normaliser: a later change to it needs a migration of its own.
 */
const normalisedListingUrls: Migration = {
  async up(db: Kysely<any>) {
    for (let after = ""; ;) {
      const ids = (
        await db
          .selectFrom("record_terms")
          .select("record_id")
          .distinct()
          .where("field", "=", "listing_url")
          .where("record_id", ">", after)
          .orderBy("record_id")
          .limit(1_000)
          .execute()
      ).map((r: { record_id: string }) => r.record_id);
      if (ids.length === 0) return;
      const rows: { record_id: string; value: string }[] = await db
        .selectFrom("record_terms")
        .select(["record_id", "value"])
        .where("field", "=", "listing_url")
        .where("record_id", "in", ids)
        .execute();
      for (const row of rows) {
        const value = normaliseListingUrl(row.value);
        if (value === row.value) continue;
        await db
          .deleteFrom("record_terms")
          .where("record_id", "=", row.record_id)
          .where("field", "=", "listing_url")
          .where("value", "=", row.value)
          .execute();
        await db
          .insertInto("record_terms")
          .values({ record_id: row.record_id, field: "listing_url", value })
          .onConflict((c) => c.doNothing())
          .execute();
      }
      after = ids[ids.length - 1]!;
    }
  },
};

/**
 * Search terms are folded with NFKC from this version on (full-width and decomposed forms match
 * what people type): every record's terms are derived again from its canonical metadata.
 */
const nfkcTerms: Migration = {
  async up(db: Kysely<any>) {
    for (let after = -1; ;) {
      const rows: { id: string; seq: number | string; kind: string; canonical: string }[] = await db
        .selectFrom("records")
        .select(["id", "seq", "kind", "canonical"])
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(1_000)
        .execute();
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.id);
      const terms = rows.flatMap((r) =>
        termsOfStored(r.canonical).map((t) => ({ record_id: r.id, ...t })),
      );
      await db.deleteFrom("record_terms").where("record_id", "in", ids).execute();
      for (let i = 0; i < terms.length; i += 500)
        await db
          .insertInto("record_terms")
          .values(terms.slice(i, i + 500))
          .execute();
      after = Number(rows[rows.length - 1]!.seq);
    }
  },
};

/**
 * Which intake statement each record's signature covers: records before receipt v2 were signed
 * over their leaf hash alone (1); from v2 the EIP-712 statement with the deadline and the
 * ledger (2). The signature alone does not say, and every later check must hash the right bytes.
 */
const intakeStatementVersion: Migration = {
  async up(db: Kysely<any>) {
    // Idempotent, like 0005 and 0006: a ledger restored from a backup of its files may run it
    // again over a table that has the column. On PostgreSQL the introspector sees only this
    // ledger's schema (`schema-introspector.ts`).
    const tables = await db.introspection.getTables();
    const records = tables.find((t) => t.name === "records");
    if (records?.columns.some((c) => c.name === "intake_statement")) return;
    await db.schema
      .alterTable("records")
      .addColumn("intake_statement", "integer", (c) => c.notNull().defaultTo(1))
      .execute();
  },
};

/** Witnesses of batch roots from outside the service: RFC 3161 tokens, one per TSA. */
const batchWitnesses: Migration = {
  async up(db: Kysely<any>) {
    // Idempotent (see 0007).
    await db.schema
      .createTable("batch_witnesses")
      .ifNotExists()
      .addColumn("batch_index", "bigint", (c) => c.notNull().references("batches.batch_index"))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("token", "text", (c) => c.notNull())
      .addColumn("attested_at", "text", (c) => c.notNull())
      .addColumn("fetched_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("batch_witnesses_pk", ["batch_index", "source"])
      .execute();
  },
};

/**
 * The disclosures of v2 records' personal values (DESIGN §7), apart from the records: a record
 * commits to each by its digest, so deleting one erases the value and breaks no proof.
 */
const recordDisclosures: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("record_disclosures")
      .ifNotExists()
      .addColumn("record_id", "text", (c) => c.notNull().references("records.id"))
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("disclosure", "text", (c) => c.notNull())
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("audience", "text", (c) => c.notNull())
      .addColumn("keep_until", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("record_disclosures_pk", ["record_id", "digest"])
      .execute();
  },
};

/**
 * Files that hold personal data are kept until a date, like personal values, then their bytes
 * are erased; `erased_by` names the erasure record once they are. Null for every other file.
 */
const personalFiles: Migration = {
  async up(db: Kysely<any>) {
    // Idempotent (see 0007): add only what is missing.
    const table = (await db.introspection.getTables()).find((t) => t.name === "record_files");
    const has = new Set(table?.columns.map((c) => c.name));
    for (const column of ["keep_until", "erased_by"])
      if (!has.has(column))
        await db.schema.alterTable("record_files").addColumn(column, "text").execute();
  },
};

/**
 * Background roles held by one replica at a time (DESIGN §8): who holds each, until when (ms
 * since the epoch, by the database's clock), and the epoch that fences a holder's writes.
 */
const roleLeases: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("role_leases")
      .ifNotExists()
      .addColumn("role", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("epoch", "bigint", (c) => c.notNull())
      .addColumn("lease_until", "bigint", (c) => c.notNull())
      .execute();
  },
};

/** Rate-limit counters shared by replicas (certificate lookups): hits per key and window. */
const rateLimits: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("rate_limits")
      .ifNotExists()
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("hits", "integer", (c) => c.notNull())
      .addColumn("reset_at", "bigint", (c) => c.notNull())
      .execute();
  },
};

/** API keys shared by replicas (used on PostgreSQL; the embedded mode keeps its keys file). */
const apiKeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("api_keys")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("parties", "text", (c) => c.notNull())
      .addColumn("key_sha256", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("revoked_at", "text")
      .execute();
  },
};

/** Webhook subscriptions and the log of their deliveries, retried until they succeed or expire. */
const webhooks: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("webhooks")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("owner_key", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("deleted_at", "text")
      .execute();
    await db.schema
      .createTable("webhook_deliveries")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id"))
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("delivered_at", "text")
      .addUniqueConstraint("webhook_deliveries_once", ["webhook_id", "event_id"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_due")
      .ifNotExists()
      .on("webhook_deliveries")
      .columns(["status", "next_attempt_at"])
      .execute();
  },
};

/** Web captures, queued in the database so any replica runs them and a restart resumes them. */
const captures: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("captures")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("request", "text", (c) => c.notNull())
      .addColumn("requester_key", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("hold_until", "text")
      .addColumn("requested_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("record_id", "text")
      .addColumn("error_code", "text")
      .addColumn("error_message", "text")
      .execute();
    await db.schema
      .createIndex("captures_by_state")
      .ifNotExists()
      .on("captures")
      .columns(["state", "requested_at"])
      .execute();
  },
};

const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_record_parties": recordParties,
  "0003_record_terms": recordTerms,
  "0004_records_kind_seq": recordsByKind,
  "0005_normalised_listing_urls": normalisedListingUrls,
  "0006_nfkc_terms": nfkcTerms,
  "0007_intake_statement_version": intakeStatementVersion,
  "0008_batch_witnesses": batchWitnesses,
  "0009_webhooks": webhooks,
  // Terms now carry every party identifier (credit codes, identity numbers, shop ids): every
  // record's terms are derived again, as for 0006.
  "0010_party_identifier_terms": nfkcTerms,
  "0011_record_disclosures": recordDisclosures,
  "0012_personal_files": personalFiles,
  "0013_role_leases": roleLeases,
  "0014_rate_limits": rateLimits,
  "0015_api_keys": apiKeys,
  "0016_captures": captures,
};

/**
 * Brings the schema up to date. On PostgreSQL the schema name must be given: Kysely looks for
 * its bookkeeping tables in every schema otherwise, and would find another ledger's.
 */
export async function migrate(db: Kysely<any>, options: { schema?: string } = {}): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
  const migrator = new Migrator({
    db,
    provider,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    // The cause's own words, in the one line an operator reads first: a connection refused on
    // every address is an AggregateError whose own message is empty.
    const cause = error as Error & { code?: string; errors?: Error[] };
    const why =
      cause.message ||
      [cause.code, ...(cause.errors ?? []).map((e) => e.message)].filter(Boolean).join("; ") ||
      String(error);
    throw new Error(`database migration ${failed ? `${failed} ` : ""}failed: ${why}`, {
      cause: error,
    });
  }
}
