import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface LagSource {
  (): Promise<{
    lagRecords: number;
    lagSeconds: number;
    consecutiveFailures?: number;
    lastErrorCode?: string | null;
  }>;
}

/** The service's Prometheus metrics, on a registry of its own (several services can share a process in tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly recordsAccepted = new Counter({
    name: "notary_records_accepted_total",
    help: "Records accepted, by kind",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly bytesHashed = new Counter({
    name: "notary_bytes_hashed_total",
    help: "Bytes of uploaded files hashed",
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: "notary_batch_size_records",
    help: "Records per anchored batch",
    buckets: [1, 10, 100, 1_000, 10_000, 100_000],
    registers: [this.registry],
  });
  readonly chainErrors = new Counter({
    name: "notary_chain_errors_total",
    help: "Failed anchoring attempts",
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "notary_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });

  /**
   * Which replica answers this scrape (DESIGN §8), as an info metric to join on rather than a
   * default label, which prom-client merges into every observation of every series.
   */
  readonly replica = new Gauge({
    name: "notary_replica_info",
    help: "The replica this process is, always 1",
    labelNames: ["replica"],
    registers: [this.registry],
  });
  readonly tsaErrors = new Counter({
    name: "notary_tsa_errors_total",
    help: "Failed requests to time-stamping authorities, by TSA",
    labelNames: ["tsa"],
    registers: [this.registry],
  });

  constructor(
    lag: LagSource,
    funding: () => Promise<{ anchorsLeft: number } | undefined>,
    tsaBacklog: () => Promise<{ url: string; backlog: number }[]> = async () => [],
  ) {
    const registers = [this.registry];
    new Gauge({
      name: "notary_tsa_backlog_batches",
      help: "Batches still waiting for a token from each time-stamping authority",
      labelNames: ["tsa"],
      registers,
      async collect() {
        this.reset();
        for (const t of await tsaBacklog()) this.set({ tsa: t.url }, t.backlog);
      },
    });
    new Gauge({
      name: "notary_operator_anchors_left",
      help: "Anchors the operator's balance pays for at current fees (absent while the chain does not answer)",
      registers,
      async collect() {
        const f = await funding();
        if (f) this.set(f.anchorsLeft);
        else this.reset();
      },
    });
    new Gauge({
      name: "notary_anchoring_lag_records",
      help: "Records accepted but not yet anchored",
      registers,
      async collect() {
        this.set((await lag()).lagRecords);
      },
    });
    new Gauge({
      name: "notary_anchoring_failing",
      help: "1 while anchoring fails, labelled with the error's code (ANCHOR_FEE_CAP_REACHED, LEDGER_CONTRACT_MISSING, …)",
      labelNames: ["code"],
      registers,
      async collect() {
        this.reset();
        const state = await lag();
        if ((state.consecutiveFailures ?? 0) > 0) this.set({ code: state.lastErrorCode ?? "" }, 1);
      },
    });
    new Gauge({
      name: "notary_anchoring_lag_seconds",
      help: "Age of the oldest record not yet anchored",
      registers,
      async collect() {
        this.set((await lag()).lagSeconds);
      },
    });
  }
}
