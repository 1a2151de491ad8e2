import type { Anchorer } from "./anchorer";
import type { Batcher } from "../batching";
import type { StoredBatch } from "../storage";

export interface PipelineOptions {
  pollMs: number;
  /** Wake early once this many records arrived since the last pass (a full batch). */
  wakeAfterRecords: number;
  retryBaseMs: number;
  retryMaxMs: number;
  onError?: (error: unknown, attempt: number, retryInMs: number) => void;
  onAnchored?: (batches: readonly StoredBatch[]) => void;
}

export interface PipelineState {
  running: boolean;
  consecutiveFailures: number;
  lastError: string | undefined;
  /** The stable code of the last error, when it has one (LEDGER_CONTRACT_MISSING, …). */
  lastErrorCode: string | undefined;
  lastErrorAt: string | undefined;
  retryAt: string | undefined;
}

/**
 * The background loop that cuts batches and anchors them. Chain failures never reach intake:
 * batches wait and are retried with exponential backoff while records keep being accepted.
 */
export class AnchoringPipeline {
  private stopped = true;
  private wake: (() => void) | undefined;
  private nudged = false;
  private arrived = 0;
  private loop: Promise<void> | undefined;
  readonly state: PipelineState = {
    running: false,
    consecutiveFailures: 0,
    lastError: undefined,
    lastErrorCode: undefined,
    lastErrorAt: undefined,
    retryAt: undefined,
  };

  constructor(
    private readonly batcher: Batcher,
    private readonly anchorer: Anchorer,
    private readonly options: PipelineOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.state.running = true;
    this.loop = this.run();
  }

  /** Counts new records; a full batch's worth wakes the loop instead of waiting for the poll. */
  recordsArrived(count: number): void {
    this.arrived += count;
    if (this.arrived >= this.options.wakeAfterRecords) {
      this.arrived = 0;
      this.nudge();
    }
  }

  /** Checks for work now rather than at the next poll. */
  nudge(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  /**
   * Stops the loop; with `flush`, cuts the open batch and anchors what waits while time is left.
   * Resolves within `timeoutMs` (default: no limit) whatever the chain does: a step stuck on an
   * unanswered RPC call is left behind, and what is not anchored by then waits for the next
   * start, which reconciles with the chain (nothing is lost, nothing is anchored twice).
   */
  async stop(options: { flush: boolean; timeoutMs?: number }): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? Infinity);
    const inTime = () => Date.now() < deadline;
    this.stopped = true;
    this.nudge();
    const loopEnded = await before(this.loop ?? Promise.resolve(), deadline);
    this.state.running = false;
    if (!options.flush || !loopEnded) return;
    await before(this.batcher.flush(), deadline);
    await before(
      this.anchorer
        .anchorPending({ keepGoing: inTime })
        .then((anchored) => anchored.length > 0 && this.options.onAnchored?.(anchored))
        .catch((error: unknown) =>
          this.options.onError?.(error, this.state.consecutiveFailures + 1, 0),
        ),
      deadline,
    );
  }

  /** One pass: cut every due batch, then anchor everything pending. */
  async step(): Promise<void> {
    while (await this.batcher.cutIfDue()) {
      /* cut until nothing is due */
    }
    const anchored = await this.anchorer.anchorPending({ keepGoing: () => !this.stopped });
    if (anchored.length > 0) this.options.onAnchored?.(anchored);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay = this.options.pollMs;
      try {
        await this.step();
        // Recovered: a past error is no longer the state of anything.
        this.state.consecutiveFailures = 0;
        this.state.retryAt = undefined;
        this.state.lastError = undefined;
        this.state.lastErrorCode = undefined;
        this.state.lastErrorAt = undefined;
      } catch (error) {
        const attempt = ++this.state.consecutiveFailures;
        delay = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), this.options.retryMaxMs);
        this.state.lastError = error instanceof Error ? error.message : String(error);
        const code = (error as { code?: unknown })?.code;
        this.state.lastErrorCode = typeof code === "string" ? code : undefined;
        this.state.lastErrorAt = new Date().toISOString();
        this.state.retryAt = new Date(Date.now() + delay).toISOString();
        this.options.onError?.(error, attempt, delay);
      }
      if (!this.stopped) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** Whether `work` settled before `deadline` (ms since the epoch); it is not cancelled if not. */
async function before(work: Promise<unknown>, deadline: number): Promise<boolean> {
  if (deadline === Infinity) return work.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
