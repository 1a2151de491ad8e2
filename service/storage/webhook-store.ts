import type { Db, Engine } from "./database";
import type { WebhookDeliveryTable, WebhookTable } from "./schema";

/**
 * Webhook subscriptions and their delivery log. A delivery is written before it is attempted,
 * so a restart resumes every pending one; an event reaches a subscription at most once
 * (`webhook_deliveries_once`), however often it is published.
 */
export class WebhookStore {
  constructor(
    private readonly db: Db,
    private readonly flush: () => Promise<void>,
    private readonly engine: Engine = "sqlite",
  ) {}

  async create(hook: Omit<WebhookTable, "deleted_at">): Promise<void> {
    await this.db
      .insertInto("webhooks")
      .values({ ...hook, deleted_at: null })
      .execute();
    await this.flush();
  }

  /** Live subscriptions, of one owner or of all. */
  async list(ownerKey?: string): Promise<WebhookTable[]> {
    let q = this.db.selectFrom("webhooks").selectAll().where("deleted_at", "is", null);
    if (ownerKey !== undefined) q = q.where("owner_key", "=", ownerKey);
    return q.orderBy("created_at").execute();
  }

  async get(id: string): Promise<WebhookTable | undefined> {
    return this.db
      .selectFrom("webhooks")
      .selectAll()
      .where("id", "=", id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
  }

  /** Ends a subscription; its log stays. */
  async remove(id: string, at: string): Promise<void> {
    await this.db.updateTable("webhooks").set({ deleted_at: at }).where("id", "=", id).execute();
    await this.db
      .updateTable("webhook_deliveries")
      .set({ status: "failed", last_error: "subscription deleted" })
      .where("webhook_id", "=", id)
      .where("status", "=", "pending")
      .execute();
    await this.flush();
  }

  /** Queues deliveries; one already queued for the same subscription and event is kept. */
  async enqueue(deliveries: readonly WebhookDeliveryTable[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto("webhook_deliveries")
      .values([...deliveries])
      .onConflict((oc) => oc.columns(["webhook_id", "event_id"]).doNothing())
      .execute();
    await this.flush();
  }

  /**
   * Takes up to `limit` pending deliveries due by `now`, oldest first, and holds them until
   * `holdUntil`: no other replica claims them meanwhile, and if this one dies mid-delivery they
   * fall due again when the hold ends. On PostgreSQL rows another replica is claiming at this
   * moment are skipped (`FOR UPDATE SKIP LOCKED`) rather than waited for, so every replica can
   * deliver at once without two taking the same delivery.
   */
  async claim(now: string, limit: number, holdUntil: string): Promise<WebhookDeliveryTable[]> {
    return this.db.transaction().execute(async (tx) => {
      let due = tx
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .limit(limit);
      // SQLite has one writer, whose transaction already excludes every other claim.
      if (this.engine === "postgres") due = due.forUpdate().skipLocked();
      const rows = await due.execute();
      if (rows.length > 0)
        await tx
          .updateTable("webhook_deliveries")
          .set({ next_attempt_at: holdUntil })
          .where(
            "id",
            "in",
            rows.map((r) => r.id),
          )
          .execute();
      return rows;
    });
  }

  /**
   * The outcome of attempt number `outcome.attempts`. Kept only if no later attempt was
   * recorded: a replica whose hold ran out while it waited for an answer must not overwrite
   * the outcome of the replica that claimed the delivery after it.
   */
  async record(
    id: string,
    outcome: Pick<
      WebhookDeliveryTable,
      "status" | "attempts" | "next_attempt_at" | "last_status" | "last_error" | "delivered_at"
    >,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("webhook_deliveries")
      .set(outcome)
      .where("id", "=", id)
      .where("attempts", "<", outcome.attempts)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A subscription's deliveries, newest first. */
  async deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryTable[]> {
    return this.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("webhook_id", "=", webhookId)
      .orderBy("created_at", "desc")
      .limit(limit)
      .execute();
  }
}
