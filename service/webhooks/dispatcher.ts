import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ApiKey } from "../keys";
import type { WebhookStore, WebhookTable } from "../storage";
import { postOutbound, type EgressPolicy } from "../egress";
import { signDelivery } from "./signature";

export const WEBHOOK_EVENTS = [
  "record.anchored",
  "case.action",
  "case.deadline",
  "capture.done",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Published {
  /** Stable per event: a subscription gets each event once, however often it is published. */
  id: string;
  type: WebhookEvent;
  data: Record<string, unknown>;
  /** Whether a subscription's owner, as its key is now, may be told of it. */
  audience: (owner: ApiKey) => boolean;
}

export interface DispatcherOptions {
  /** The owner's key as the keys file holds it now; a revoked key's subscriptions go quiet. */
  keyOf: (id: string) => Promise<ApiKey | undefined>;
  logger: Logger;
  pollMs?: number;
  timeoutMs?: number;
  /** First retry after this; each next one waits twice as long. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** Where deliveries may go (public addresses only, unless the operator allows private). */
  egress: EgressPolicy;
}

/**
 * Delivers events to subscribed URLs: queued durably, POSTed signed (see `signature.ts`),
 * retried with exponential backoff on any answer but 2xx, every attempt in the delivery log.
 * Every replica runs one: each claims what it delivers (`WebhookStore.claim`), so a delivery
 * goes out once however many poll, and again only if its deliverer died before it answered.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: WebhookStore,
    private readonly o: DispatcherOptions,
  ) {}

  /** Where deliveries may go: the routes check a URL by the same rule when it is given. */
  get egress(): EgressPolicy {
    return this.o.egress;
  }

  /** Whether any live subscription wants `type`: scans for events no one hears are skipped. */
  async wanted(type: WebhookEvent): Promise<boolean> {
    return (await this.store.list()).some((h) => (JSON.parse(h.events) as string[]).includes(type));
  }

  async subscribe(
    owner: ApiKey,
    url: string,
    events: readonly WebhookEvent[],
  ): Promise<WebhookTable> {
    const hook: WebhookTable = {
      id: randomUUID(),
      owner_key: owner.id,
      url,
      secret: randomBytes(32).toString("hex"),
      events: JSON.stringify(events),
      created_at: new Date().toISOString(),
      deleted_at: null,
    };
    await this.store.create(hook);
    return hook;
  }

  /**
   * Queues each event for every live subscription to its type whose owner may know of it. The
   * subscriptions and their owners are read once for all the events: a batch of thousands of
   * records anchored at once must not ask the database once per record.
   */
  async publish(events: readonly Published[]): Promise<void> {
    if (events.length === 0) return;
    const hooks = (await this.store.list()).map((hook) => ({
      hook,
      events: JSON.parse(hook.events) as string[],
    }));
    const wanted = hooks.filter((h) => events.some((e) => h.events.includes(e.type)));
    if (wanted.length === 0) return;
    const owners = new Map(
      await Promise.all(
        wanted.map(async (h) => [h.hook.owner_key, await this.o.keyOf(h.hook.owner_key)] as const),
      ),
    );
    const now = new Date().toISOString();
    const deliveries = [];
    for (const event of events) {
      const body = JSON.stringify({
        id: event.id,
        type: event.type,
        createdAt: now,
        data: event.data,
      });
      for (const { hook, events: types } of wanted) {
        if (!types.includes(event.type)) continue;
        const owner = owners.get(hook.owner_key);
        if (!owner || !event.audience(owner)) continue;
        deliveries.push({
          id: randomUUID(),
          webhook_id: hook.id,
          event_id: event.id,
          event_type: event.type,
          payload: body,
          status: "pending" as const,
          attempts: 0,
          next_attempt_at: now,
          last_status: null,
          last_error: null,
          created_at: now,
          delivered_at: null,
        });
      }
    }
    await this.store.enqueue(deliveries);
    this.wake();
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private wake(): void {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.o.pollMs ?? 1_000);
  }

  private tick(): void {
    this.running ??= this.deliverDue()
      .catch((error: unknown) =>
        this.o.logger.warn({ err: error }, "webhook delivery round failed"),
      )
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  private async deliverDue(): Promise<void> {
    const timeoutMs = this.o.timeoutMs ?? 5_000;
    // Held past the longest an attempt can take, so a claim outlives a slow answer; a replica
    // that dies holding some leaves them to whichever replica polls after the hold.
    const now = Date.now();
    const due = await this.store.claim(
      new Date(now).toISOString(),
      50,
      new Date(now + 2 * timeoutMs + 10_000).toISOString(),
    );
    await Promise.all(
      due.map(async (delivery) => {
        const hook = await this.store.get(delivery.webhook_id);
        if (!hook) return;
        const attempts = delivery.attempts + 1;
        const outcome = await postOutbound(new URL(hook.url), {
          headers: {
            "content-type": "application/json",
            ...signDelivery(hook.secret, {
              id: delivery.id,
              at: new Date(),
              body: delivery.payload,
            }),
          },
          body: delivery.payload,
          timeoutMs,
          policy: this.o.egress,
        });
        const ok = outcome.ok;
        const gaveUp = !ok && attempts >= (this.o.maxAttempts ?? 8);
        const backoff = (this.o.retryBaseMs ?? 1_000) * 2 ** (attempts - 1);
        await this.store.record(delivery.id, {
          status: ok ? "delivered" : gaveUp ? "failed" : "pending",
          attempts,
          next_attempt_at: new Date(Date.now() + (ok || gaveUp ? 0 : backoff)).toISOString(),
          // The class only: exact codes and error texts of an address inside someone's
          // network would make the delivery log a port scanner's report.
          last_status: outcome.statusClass === null ? null : Number(outcome.statusClass[0]) * 100,
          last_error: outcome.ok ? null : outcome.code,
          delivered_at: ok ? new Date().toISOString() : null,
        });
      }),
    );
  }
}
