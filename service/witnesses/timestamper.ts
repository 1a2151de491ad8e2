import { randomBytes } from "node:crypto";
import type { WitnessLog } from "../storage";
import {
  checkTokenIntegrity,
  timestampRequest,
  TimestampError,
  tokenFromResponse,
  verifyToken,
} from "./rfc3161";

export interface TimestamperOptions {
  /** The TSAs, by URL (RFC 3161 §3.4: HTTP POST of a TimeStampReq). */
  urls: readonly string[];
  /** Roots the TSAs' certificates must lead to; none: tokens are checked but trust is not. */
  trustAnchors: readonly Uint8Array[];
  intervalMs: number;
  timeoutMs: number;
  /** Most batches asked of one TSA per round. */
  perRound?: number;
  onError?: (url: string, error: unknown) => void;
  onToken?: (url: string, batchIndex: number) => void;
}

const MAX_RETRY_MS = 5 * 60_000;

export interface TsaStatus {
  url: string;
  /** Batches whose token from this TSA is still awaited. */
  backlog: number;
  lastError: string | undefined;
  lastErrorCode: string | undefined;
  lastTokenAt: string | undefined;
}

/**
 * Gets an RFC 3161 token for every batch root from every configured TSA and stores it with
 * its batch (DESIGN §6). It runs beside the anchoring pipeline and shares nothing with it: a TSA
 * that is slow or down delays no intake and no anchor; its batches wait and are stamped, oldest
 * first, once it answers again. A token is checked before it is stored (it answers this root
 * and this nonce, its signature holds, and its TSA leads to a configured root when roots are
 * given), and stored once per batch and TSA; after a crash between receiving a token and
 * storing it, the batch is simply stamped again.
 */
export class Timestamper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly status = new Map<string, Omit<TsaStatus, "url" | "backlog">>();
  /** Per TSA, failures in a row and when to try again: a TSA that is down is not hammered. */
  private readonly retry = new Map<string, { failures: number; at: number }>();

  constructor(
    private readonly store: WitnessLog,
    private readonly options: TimestamperOptions,
  ) {
    for (const url of options.urls)
      this.status.set(url, {
        lastError: undefined,
        lastErrorCode: undefined,
        lastTokenAt: undefined,
      });
  }

  start(): void {
    if (this.options.urls.length === 0) return;
    this.stopped = false;
    const tick = () => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: each TSA in parallel, each stamping its waiting batches in order. */
  async runOnce(): Promise<void> {
    await Promise.all(this.options.urls.map((url) => this.stampWaiting(url)));
  }

  async statuses(): Promise<TsaStatus[]> {
    const backlog = await this.store.witnessBacklog(this.options.urls);
    return this.options.urls.map((url) => ({
      url,
      backlog: backlog[url] ?? 0,
      ...this.status.get(url)!,
    }));
  }

  private async stampWaiting(url: string): Promise<void> {
    const status = this.status.get(url)!;
    const retry = this.retry.get(url) ?? { failures: 0, at: 0 };
    if (Date.now() < retry.at) return;
    try {
      const waiting = await this.store.batchesAwaitingWitness(url, this.options.perRound ?? 100);
      for (const batch of waiting) {
        if (this.stopped) return;
        const root = Buffer.from(batch.root.replace(/^0x/, ""), "hex");
        const token = await this.fetchToken(url, root);
        const facts =
          this.options.trustAnchors.length > 0
            ? await verifyToken(token, root, this.options.trustAnchors)
            : (await checkTokenIntegrity(token, root)).facts;
        await this.store.insertWitness({
          batch_index: batch.batch_index,
          source: url,
          kind: "rfc3161",
          token: Buffer.from(token).toString("base64"),
          attested_at: facts.genTime,
          fetched_at: new Date().toISOString(),
        });
        status.lastTokenAt = new Date().toISOString();
        status.lastError = status.lastErrorCode = undefined;
        this.retry.delete(url);
        this.options.onToken?.(url, batch.batch_index);
      }
    } catch (error) {
      status.lastError = error instanceof Error ? error.message : String(error);
      status.lastErrorCode = error instanceof TimestampError ? error.code : "TSA_UNREACHABLE";
      const failures = retry.failures + 1;
      // Doubling from the interval, at most five minutes apart.
      const waitMs = Math.min(this.options.intervalMs * 2 ** (failures - 1), MAX_RETRY_MS);
      this.retry.set(url, { failures, at: Date.now() + waitMs });
      this.options.onError?.(url, error);
    }
  }

  private async fetchToken(url: string, root: Uint8Array): Promise<Uint8Array> {
    const nonce = randomBytes(8);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query" },
      body: Buffer.from(timestampRequest(root, nonce)),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (!response.ok)
      throw new Error(`the TSA at ${url} answered HTTP ${response.status}; it is retried`);
    return tokenFromResponse(body, root, nonce);
  }
}
