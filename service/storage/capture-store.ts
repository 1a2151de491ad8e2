import type { Db, Engine } from "./database";
import type { CaptureTable } from "./schema";

/**
 * Web captures in the database: asked for on one replica, run by whichever claims them, read
 * from any. A capture is claimed with a hold; a replica that dies mid-capture leaves it to be
 * claimed again when the hold ends, up to a number of attempts, then it fails.
 */
export class CaptureStore {
  constructor(
    private readonly db: Db,
    private readonly flush: () => Promise<void>,
    private readonly engine: Engine = "sqlite",
  ) {}

  async add(row: CaptureTable): Promise<void> {
    await this.db.insertInto("captures").values(row).execute();
    await this.flush();
  }

  get(id: string): Promise<CaptureTable | undefined> {
    return this.db.selectFrom("captures").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async waiting(): Promise<number> {
    const row = await this.db
      .selectFrom("captures")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("state", "=", "queued")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Takes up to `limit` captures, oldest first: queued ones, and ones whose holder's hold ran
   * out (it died) with attempts left; each is held until `holdUntil`. On PostgreSQL rows another
   * replica is claiming are skipped, as webhook deliveries are.
   */
  async claim(
    now: string,
    limit: number,
    holdUntil: string,
    maxAttempts: number,
  ): Promise<CaptureTable[]> {
    if (limit <= 0) return [];
    return this.db.transaction().execute(async (tx) => {
      let due = tx
        .selectFrom("captures")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb("state", "=", "queued"),
            eb.and([
              eb("state", "=", "capturing"),
              eb("hold_until", "<", now),
              eb("attempts", "<", maxAttempts),
            ]),
          ]),
        )
        .orderBy("requested_at")
        .limit(limit);
      if (this.engine === "postgres") due = due.forUpdate().skipLocked();
      const rows = await due.execute();
      for (const row of rows)
        await tx
          .updateTable("captures")
          .set({
            state: "capturing",
            attempts: row.attempts + 1,
            hold_until: holdUntil,
            started_at: now,
          })
          .where("id", "=", row.id)
          .execute();
      return rows.map((r) => ({
        ...r,
        state: "capturing" as const,
        attempts: r.attempts + 1,
        hold_until: holdUntil,
        started_at: now,
      }));
    });
  }

  /** Fails captures whose last attempt's holder died: no attempt is left to take them. */
  async expire(now: string, maxAttempts: number): Promise<void> {
    await this.db
      .updateTable("captures")
      .set({
        state: "failed",
        finished_at: now,
        error_code: "CAPTURE_INTERRUPTED",
        error_message: `the capture was interrupted ${maxAttempts} times (the service stopped while capturing)`,
      })
      .where("state", "=", "capturing")
      .where("hold_until", "<", now)
      .where("attempts", ">=", maxAttempts)
      .execute();
  }

  /**
   * The outcome of attempt `attempts`; kept only if no later attempt took the capture (a
   * replica whose hold ran out must not overwrite the one that claimed after it).
   */
  async finish(
    id: string,
    attempts: number,
    outcome: Pick<
      CaptureTable,
      "state" | "finished_at" | "record_id" | "error_code" | "error_message"
    >,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("captures")
      .set({ ...outcome, hold_until: null })
      .where("id", "=", id)
      .where("attempts", "=", attempts)
      .where("state", "=", "capturing")
      .executeTakeFirst();
    await this.flush();
    return result.numUpdatedRows > 0n;
  }
}
