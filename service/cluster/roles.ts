import { sql, type Transaction } from "kysely";
import type { Logger } from "pino";
import { InvariantError } from "../errors";
import type { Db } from "../storage";
import type { Schema } from "../storage/schema";

/** A background job only one replica may run at a time: started on winning, stopped on losing. */
export interface Role {
  name: string;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export interface RolesOptions {
  /** This replica's name: in the lease rows, `/readyz` and the metrics. */
  replica: string;
  /** How long a lease lasts unrenewed: the longest a dead holder keeps a role. */
  leaseMs: number;
  logger: Logger;
  /** Called on every change of what this replica holds. */
  onChange?: (held: readonly string[]) => void;
}

/** The database's clock in ms: every replica measures leases and windows by the same one. */
export const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Background roles over replicas sharing one PostgreSQL (DESIGN §8). Each role has a lease row:
 * a replica takes it when it is free or expired (bumping its epoch) and renews it every third
 * of `leaseMs`; a replica that misses a renewal stops the role at once. Every write a role
 * makes that must not come from two replicas (a batch cut, a transaction stored) checks in
 * the same transaction that this replica still holds the lease at the epoch it won, under a
 * share lock on the lease row, so a takeover waits for it to commit and any later write of
 * the old holder fails (`ROLE_LOST`). This is Trillian's elected log signer, with a lease row
 * where it had etcd. A row rather than an advisory lock: a session lock goes with a pooled
 * connection and fences nothing once a write is on another connection.
 */
export class ClusterRoles {
  private readonly epochs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly roles: readonly Role[],
    private readonly options: RolesOptions,
  ) {}

  /** Takes what it can at once (a lone replica starts with every role), then keeps trying. */
  async start(): Promise<void> {
    await this.tick();
    const schedule = () => {
      this.timer = setTimeout(
        () => {
          this.ticking = this.tick().finally(() => this.stopped || schedule());
        },
        Math.max(50, Math.floor(this.options.leaseMs / 3)),
      );
      this.timer.unref();
    };
    schedule();
  }

  /** The roles this replica holds now. */
  held(): string[] {
    return [...this.epochs.keys()];
  }

  /**
   * A check for writes of `role`, to run inside their transaction: throws `ROLE_LOST` unless
   * this replica holds the role at the epoch it won, with time left on the lease.
   */
  fence(role: string): (tx: Transaction<Schema>) => Promise<void> {
    return async (tx) => {
      const epoch = this.epochs.get(role);
      const row =
        epoch === undefined
          ? undefined
          : await tx
              .selectFrom("role_leases")
              .select("epoch")
              .where("role", "=", role)
              .where("holder", "=", this.options.replica)
              .where("epoch", "=", epoch)
              .where("lease_until", ">=", NOW_MS)
              .forShare()
              .executeTakeFirst();
      if (!row)
        throw new InvariantError(
          "ROLE_LOST",
          `replica ${this.options.replica} no longer holds the ${role} role; another replica took it`,
          { details: { role, replica: this.options.replica } },
        );
    };
  }

  /** Stops every role held and frees its lease, so another replica takes it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    for (const role of this.roles)
      if (this.epochs.has(role.name)) await this.lose(role, "stopping");
    await this.db
      .updateTable("role_leases")
      .set({ lease_until: 0 })
      .where("holder", "=", this.options.replica)
      .execute()
      .catch(() => undefined);
  }

  private async tick(): Promise<void> {
    for (const role of this.roles) {
      if (this.stopped) return;
      try {
        if (this.epochs.has(role.name)) {
          if (!(await this.renew(role.name))) await this.lose(role, "lease lost");
        } else {
          const epoch = await this.acquire(role.name);
          if (epoch !== undefined) {
            this.epochs.set(role.name, epoch);
            this.options.logger.info(
              { role: role.name, epoch, replica: this.options.replica },
              "role taken",
            );
            await role.start();
            this.options.onChange?.(this.held());
          }
        }
      } catch (error) {
        // The database is unreachable: a holder cannot renew, so it must act as if it lost.
        this.options.logger.warn({ err: error, role: role.name }, "role lease check failed");
        if (this.epochs.has(role.name)) await this.lose(role, "database unreachable");
      }
    }
  }

  private async acquire(role: string): Promise<number | undefined> {
    const row = await this.db
      .insertInto("role_leases")
      .values({
        role,
        holder: this.options.replica,
        epoch: 1,
        lease_until: sql<number>`${NOW_MS} + ${this.options.leaseMs}`,
      })
      .onConflict((c) =>
        c
          .column("role")
          .doUpdateSet({
            holder: this.options.replica,
            epoch: sql<number>`role_leases.epoch + 1`,
            lease_until: sql<number>`${NOW_MS} + ${this.options.leaseMs}`,
          })
          .where(sql<boolean>`role_leases.lease_until < ${NOW_MS}`),
      )
      .returning("epoch")
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.epoch);
  }

  private async renew(role: string): Promise<boolean> {
    const result = await this.db
      .updateTable("role_leases")
      .set({ lease_until: sql<number>`${NOW_MS} + ${this.options.leaseMs}` })
      .where("role", "=", role)
      .where("holder", "=", this.options.replica)
      .where("epoch", "=", this.epochs.get(role)!)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async lose(role: Role, why: string): Promise<void> {
    this.epochs.delete(role.name);
    this.options.logger.warn(
      { role: role.name, replica: this.options.replica, why },
      "role given up",
    );
    await role
      .stop()
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, role: role.name }, "role did not stop cleanly"),
      );
    this.options.onChange?.(this.held());
  }
}
