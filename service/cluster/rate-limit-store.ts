import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import { sql } from "kysely";
import type { Db } from "../storage";
import { NOW_MS } from "./roles";

/**
 * An express-rate-limit store in PostgreSQL (DESIGN §8): the counters of every replica in one
 * table, so a limit holds for the cluster and not N times over. One upsert per request: a key's
 * window starts with its first hit and restarts once it has passed, by the database's clock.
 */
export class PgRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private increments = 0;

  constructor(
    private readonly db: Db,
    /** Keeps the counters of different limiters apart in the one table. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    // Now and then, windows long past go: the table holds about one window of keys.
    if (++this.increments % 1_000 === 0)
      await this.db
        .deleteFrom("rate_limits")
        .where("reset_at", "<", sql<number>`${NOW_MS} - ${this.windowMs}`)
        .execute();
    const row = await this.db
      .insertInto("rate_limits")
      .values({
        key: this.prefix + key,
        hits: 1,
        reset_at: sql<number>`${NOW_MS} + ${this.windowMs}`,
      })
      .onConflict((c) =>
        c.column("key").doUpdateSet({
          hits: sql<number>`case when rate_limits.reset_at <= ${NOW_MS} then 1 else rate_limits.hits + 1 end`,
          reset_at: sql<number>`case when rate_limits.reset_at <= ${NOW_MS} then ${NOW_MS} + ${this.windowMs} else rate_limits.reset_at end`,
        }),
      )
      .returning(["hits", "reset_at"])
      .executeTakeFirstOrThrow();
    return { totalHits: Number(row.hits), resetTime: new Date(Number(row.reset_at)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable("rate_limits")
      .set({ hits: sql<number>`greatest(hits - 1, 0)` })
      .where("key", "=", this.prefix + key)
      .where("reset_at", ">", NOW_MS)
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db
      .deleteFrom("rate_limits")
      .where("key", "=", this.prefix + key)
      .execute();
  }
}
