import { hostname } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import type { PublicRpcOptions } from "../chain/rpc-server";

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Every setting comes from the environment and is validated at start: a bad value stops the
 * service with a message naming the variable, instead of surfacing later as odd behaviour.
 */
const Env = z.object({
  PORT: int(8080).pipe(z.number().max(65_535)),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" })
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .optional(),
  BATCH_MAX_RECORDS: int(1_000, 1).pipe(z.number().max(1_000_000)),
  BATCH_MAX_WAIT_MS: int(2_000, 10),
  ANCHOR_INTERVAL_MS: int(0),
  ANCHOR_WAIT_MS: int(30_000, 10),
  MAX_FEE_GWEI: z.coerce.number().positive().default(500),
  ANCHOR_DEADLINE_MS: int(0),
  CHAIN_RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  CHAIN_HOST: z.string().min(1).default("127.0.0.1"),
  CHAIN_PORT: int(8545).pipe(z.number().max(65_535)),
  CHAIN_CONFIRMATIONS: int(1, 1),
  LEDGER_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed contract address")
    .optional(),
  OPERATOR_KEY_FILE: z.string().min(1).optional(),
  LOOKUP_SECRET_FILE: z.string().min(1).optional(),
  ISSUER_NAME: z.string().trim().min(1).max(300).default("存证服务 Evidence notary"),
  LOOKUP_WINDOW_MS: int(60_000, 1_000),
  LOOKUPS_PER_WINDOW: int(60, 1),
  LOOKUP_FAILURES_PER_WINDOW: int(10, 1),
  LOOKUP_GLOBAL_FAILURES_PER_WINDOW: int(300, 1),
  API_KEYS_FILE: z.string().min(1).optional(),
  /** `s3://bucket/prefix`: files in an S3-compatible object store instead of `DATA_DIR/files`. */
  FILE_STORE_URL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "must be s3://bucket[/prefix]")
    .optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false"),
  S3_REGION: z.string().min(1).optional(),
  S3_OBJECT_LOCK: z.enum(["compliance", "governance"]).optional(),
  /** How old a partial upload or an upload's marker must be before a sweep takes it for a leftover. */
  S3_SWEEP_GRACE_MS: int(60 * 60_000, 0),
  /** This replica's name among several on one PostgreSQL (leases, `/readyz`, metrics). */
  REPLICA_NAME: z
    .string()
    .regex(/^[\w.-]{1,100}$/, "letters, digits, '.', '_' and '-' (at most 100)")
    .optional(),
  /** How long a background role's lease lasts unrenewed: a dead holder's role is free after it. */
  LEASE_MS: int(15_000, 300),
  MAX_FILE_BYTES: bytes(4 * 2 ** 30),
  MAX_FILES: int(20, 1),
  MAX_RECORD_BYTES: bytes(1 * 2 ** 20),
  MAX_CONCURRENT_EXPORTS: int(2, 1),
  MAX_BUNDLE_BYTES: bytes(8 * 2 ** 30),
  WEBHOOK_RETRY_BASE_MS: int(1_000, 10),
  WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  /** The browser web captures run in (Debian's chromium). */
  CAPTURE_BROWSER: z.string().min(1).default("/usr/bin/chromium"),
  /** Encodes a capture's screen recording. */
  CAPTURE_FFMPEG: z.string().min(1).default("/usr/bin/ffmpeg"),
  CAPTURE_CONCURRENCY: int(1, 1),
  CAPTURE_QUEUE: int(20, 0),
  CAPTURE_TIMEOUT_MS: int(60_000, 1_000),
  CAPTURE_MAX_BYTES: bytes(64 * 2 ** 20),
  CAPTURE_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  /** PEM roots the captures trust beside the system's (a closed network's CA; tests). */
  CAPTURE_CA_FILE: z.string().min(1).optional(),
  WEBHOOK_DEADLINE_SCAN_MS: int(15 * 60_000, 100),
  /** How often personal values whose keeping period ended are looked for and erased. */
  KEEPING_SWEEP_MS: int(60 * 60_000, 100),
  WEBHOOK_DEADLINE_HOURS: int(24, 1),
  MIN_FREE_BYTES: int(256 * 2 ** 20, 0),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
  LOW_BALANCE_ANCHORS: int(100, 0),
  RPC_MAX_LOG_RANGE: int(5_000, 1),
  RPC_REQUESTS_PER_WINDOW: int(1_200, 1),
  RPC_WINDOW_MS: int(60_000, 1_000),
  RPC_CALL_GAS: int(1_000_000, 100_000),
  RPC_TIMEOUT_MS: int(5_000, 100),
  HOLIDAYS: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})(,\d{4}-\d{2}-\d{2})*$/, "comma-separated ISO dates (YYYY-MM-DD)")
    .optional(),
  WORKDAYS: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})(,\d{4}-\d{2}-\d{2})*$/, "comma-separated ISO dates (YYYY-MM-DD)")
    .optional(),
  CALENDAR_YEARS: z
    .string()
    .regex(/^\d{4}(,\d{4})*$/, "comma-separated years (YYYY)")
    .optional(),
  IN_TIME_WORKING_DAYS: int(3, 1),
  PUBLICATION_WORKING_DAYS: int(5, 1),
  CASE_DELAY_CAP: z.enum(["excluded-delay", "whole-wait"]).default("excluded-delay"),
  /** Merchants with at least this many authority penalties are due contract termination. */
  TERMINATION_PENALTIES: int(2, 1),
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100),
  HTTP_BODY_IDLE_TIMEOUT_MS: int(30_000, 100),
  HTTP_MIN_BODY_BYTES_PER_S: int(10_240, 0),
  HTTP_MIN_RATE_GRACE_MS: int(10_000, 0),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 100),
  HTTP_MAX_CONNECTIONS: int(1_000, 1),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TSA_URLS: z
    .string()
    .refine(
      (v) => v.split(",").every((u) => z.url({ protocol: /^https?$/ }).safeParse(u.trim()).success),
      "comma-separated http(s) URLs of RFC 3161 time-stamping authorities",
    )
    .optional(),
  TSA_CA_FILES: z.string().min(1).optional(),
  TSA_INTERVAL_MS: int(2_000, 10),
  TSA_TIMEOUT_MS: int(10_000, 100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/**
 * How long the server waits on a client. Without these, half-sent headers and stalled or
 * trickling bodies each hold a socket (and an upload's temporary file) for ever, and a few
 * thousand of them exhaust the process's file descriptors (slowloris).
 */
export interface HttpLimits {
  /** All request headers must arrive within this (Node answers 408). */
  headersTimeoutMs: number;
  /** A request body that sends nothing for this long is answered 408 and closed. */
  bodyIdleTimeoutMs: number;
  /** After the grace period, a body arriving slower than this on average is answered 408. */
  minBodyBytesPerSecond: number;
  minRateGraceMs: number;
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  sqliteFile: string;
  fileStoreDir: string;
  /** Files in an object store (FILE_STORE_URL), or undefined for `fileStoreDir`. */
  objectStore:
    | {
        url: string;
        endpoint: string | undefined;
        forcePathStyle: boolean;
        region: string | undefined;
        objectLock: "compliance" | "governance" | undefined;
        sweepGraceMs: number;
      }
    | undefined;
  chainDir: string;
  replica: { name: string; leaseMs: number };
  batch: { maxRecords: number; maxWaitMs: number };
  anchorDeadlineMs: number;
  chain: {
    rpcUrl: string | undefined;
    host: string;
    port: number;
    confirmations: number;
    ledgerAddress: string | undefined;
    /** The widest block range asked of `eth_getLogs`. */
    maxLogRange: number;
    /** How long one anchoring pass waits for its transactions to be mined. */
    anchorWaitMs: number;
    /** The highest max fee per gas a (replacement) anchor transaction may offer, in wei. */
    maxFeePerGas: bigint;
    /** The public read-only RPC (chain port and `/v1/rpc`): guard and rate per address. */
    publicRpc: PublicRpcOptions;
  };
  operatorKeyFile: string;
  /** The secret certificate verification codes are derived from (created on first start). */
  lookupSecretFile: string;
  /** Certificate lookups per client address and window, and failed ones. */
  lookup: { windowMs: number; lookups: number; failures: number; globalFailures: number };
  /** The platform that issues certificates, printed on them (never an API key's name). */
  issuerName: string;
  /** A failed webhook delivery is retried after this, then twice as long each time. */
  webhookRetryBaseMs: number;
  /** Webhooks may point at private and loopback addresses (for tests and closed networks). */
  webhookAllowPrivate: boolean;
  /** Web captures (`POST /v1/captures`). */
  capture: {
    browser: string;
    ffmpeg: string;
    concurrency: number;
    queue: number;
    timeoutMs: number;
    maxBytes: number;
    allowPrivate: boolean;
    caFile: string | undefined;
  };
  /** How often cases are scanned for steps due soon, and how soon is soon (hours). */
  webhookDeadlines: { scanMs: number; hours: number };
  keepingSweepMs: number;
  apiKeysFile: string;
  limits: {
    fileBytes: number;
    files: number;
    recordBytes: number;
    concurrentExports: number;
    /** Largest total of original files one court bundle may carry. */
    bundleBytes: number;
    /** Below this much free space on the data disk, readiness says the storage is full. */
    minFreeBytes: number;
  };
  http: HttpLimits;
  /** A graceful stop finishes within this; what is not anchored by then waits for the next start. */
  shutdownTimeoutMs: number;
  /** Readiness is degraded when the operator's balance pays for fewer anchors than this. */
  lowBalanceAnchors: number;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  /** Public holidays (ISO dates) the case timelines skip as non-working days. */
  holidays: string[];
  /** Make-up working days (调休, ISO dates): weekend days worked. */
  workdays: string[];
  /** Years whose schedule HOLIDAYS and WORKDAYS give in full, beyond those the calendar data has. */
  calendarYears: number[];
  /** "In time" for forwarding and measures, in working days (our reading of art. 42-43). */
  inTimeWorkingDays: number;
  /** "In time" for publishing notices, declarations and results (art. 44), in working days. */
  publicationWorkingDays: number;
  /** How the case timelines read the 20-working-day cap of 法释〔2020〕9号 art. 3. */
  delayCap: "excluded-delay" | "whole-wait";
  /** Authority penalties after which a merchant is due contract termination (seed 000 §4 art. 4). */
  terminationPenalties: number;
  /** Base URL printed on certificates; the listening URL when unset. */
  publicUrl: string | undefined;
  /** RFC 3161 time-stamping authorities that witness every batch root (DESIGN §6). */
  tsa: {
    urls: string[];
    /** Root certificates (PEM or DER files) the service checks its TSAs' tokens against. */
    caFiles: string[];
    /** How often batches still lacking a token are looked for. */
    intervalMs: number;
    /** How long one request to a TSA may take. */
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  // A server-side copy (CopyObject) moves an upload to its content address: 5 GiB at most.
  if (e.FILE_STORE_URL && e.MAX_FILE_BYTES > 5 * 2 ** 30)
    throw new ConfigError(
      "invalid configuration:\n  MAX_FILE_BYTES: at most 5 GiB with FILE_STORE_URL (an object is copied to its content address in one request)",
    );
  const dataDir = resolve(e.DATA_DIR);
  const inData = (path: string | undefined, fallback: string) =>
    path ? (isAbsolute(path) ? path : resolve(path)) : join(dataDir, fallback);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    sqliteFile: join(dataDir, "ledger.sqlite"),
    fileStoreDir: join(dataDir, "files"),
    objectStore: e.FILE_STORE_URL
      ? {
          url: e.FILE_STORE_URL,
          endpoint: e.S3_ENDPOINT,
          forcePathStyle: e.S3_FORCE_PATH_STYLE === "true",
          region: e.S3_REGION,
          objectLock: e.S3_OBJECT_LOCK,
          sweepGraceMs: e.S3_SWEEP_GRACE_MS,
        }
      : undefined,
    chainDir: join(dataDir, "chain"),
    replica: { name: e.REPLICA_NAME ?? `${hostname()}-${process.pid}`, leaseMs: e.LEASE_MS },
    // ANCHOR_INTERVAL_MS is the cadence's name per network; BATCH_MAX_WAIT_MS the older one.
    batch: {
      maxRecords: e.BATCH_MAX_RECORDS,
      maxWaitMs: e.ANCHOR_INTERVAL_MS || e.BATCH_MAX_WAIT_MS,
    },
    // The promise in each intake receipt: the batch wait plus ten minutes for the chain.
    anchorDeadlineMs:
      e.ANCHOR_DEADLINE_MS || (e.ANCHOR_INTERVAL_MS || e.BATCH_MAX_WAIT_MS) + 10 * 60_000,
    chain: {
      rpcUrl: e.CHAIN_RPC_URL,
      host: e.CHAIN_HOST,
      port: e.CHAIN_PORT,
      confirmations: e.CHAIN_CONFIRMATIONS,
      ledgerAddress: e.LEDGER_ADDRESS,
      maxLogRange: e.RPC_MAX_LOG_RANGE,
      anchorWaitMs: e.ANCHOR_WAIT_MS,
      maxFeePerGas: BigInt(Math.round(e.MAX_FEE_GWEI * 1e9)),
      publicRpc: {
        maxLogRange: e.RPC_MAX_LOG_RANGE,
        callGas: e.RPC_CALL_GAS,
        timeoutMs: e.RPC_TIMEOUT_MS,
        rate: { requests: e.RPC_REQUESTS_PER_WINDOW, windowMs: e.RPC_WINDOW_MS },
      },
    },
    operatorKeyFile: inData(e.OPERATOR_KEY_FILE, "keys/operator.key"),
    lookupSecretFile: inData(e.LOOKUP_SECRET_FILE, "keys/lookup.key"),
    issuerName: e.ISSUER_NAME,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === "true",
    capture: {
      browser: e.CAPTURE_BROWSER,
      ffmpeg: e.CAPTURE_FFMPEG,
      concurrency: e.CAPTURE_CONCURRENCY,
      queue: e.CAPTURE_QUEUE,
      timeoutMs: e.CAPTURE_TIMEOUT_MS,
      maxBytes: e.CAPTURE_MAX_BYTES,
      allowPrivate: e.CAPTURE_ALLOW_PRIVATE === "true",
      caFile: e.CAPTURE_CA_FILE,
    },
    webhookDeadlines: { scanMs: e.WEBHOOK_DEADLINE_SCAN_MS, hours: e.WEBHOOK_DEADLINE_HOURS },
    keepingSweepMs: e.KEEPING_SWEEP_MS,
    lookup: {
      windowMs: e.LOOKUP_WINDOW_MS,
      lookups: e.LOOKUPS_PER_WINDOW,
      failures: e.LOOKUP_FAILURES_PER_WINDOW,
      globalFailures: e.LOOKUP_GLOBAL_FAILURES_PER_WINDOW,
    },
    apiKeysFile: inData(e.API_KEYS_FILE, "keys/api-keys.json"),
    limits: {
      fileBytes: e.MAX_FILE_BYTES,
      files: e.MAX_FILES,
      recordBytes: e.MAX_RECORD_BYTES,
      concurrentExports: e.MAX_CONCURRENT_EXPORTS,
      bundleBytes: e.MAX_BUNDLE_BYTES,
      minFreeBytes: e.MIN_FREE_BYTES,
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      bodyIdleTimeoutMs: e.HTTP_BODY_IDLE_TIMEOUT_MS,
      minBodyBytesPerSecond: e.HTTP_MIN_BODY_BYTES_PER_S,
      minRateGraceMs: e.HTTP_MIN_RATE_GRACE_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    lowBalanceAnchors: e.LOW_BALANCE_ANCHORS,
    logLevel: e.LOG_LEVEL,
    holidays: e.HOLIDAYS ? e.HOLIDAYS.split(",") : [],
    workdays: e.WORKDAYS ? e.WORKDAYS.split(",") : [],
    calendarYears: e.CALENDAR_YEARS ? e.CALENDAR_YEARS.split(",").map(Number) : [],
    inTimeWorkingDays: e.IN_TIME_WORKING_DAYS,
    publicationWorkingDays: e.PUBLICATION_WORKING_DAYS,
    delayCap: e.CASE_DELAY_CAP,
    terminationPenalties: e.TERMINATION_PENALTIES,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    tsa: {
      urls: e.TSA_URLS ? e.TSA_URLS.split(",").map((u) => u.trim()) : [],
      caFiles: e.TSA_CA_FILES ? e.TSA_CA_FILES.split(",").map((f) => resolve(f.trim())) : [],
      intervalMs: e.TSA_INTERVAL_MS,
      timeoutMs: e.TSA_TIMEOUT_MS,
    },
  };
}
