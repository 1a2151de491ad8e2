import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../service/config";
import { hashApiKey, newApiKey, readInitialApiKey, type Role } from "../../service/keys";
import { createLogger } from "../../service/observability";
import { startNotary, type RunningNotary } from "../../service/server";
import type { Receipt } from "../../service/receipts";
import { runAudit, type AuditReport } from "../../service/audit";
import { providerChainReader } from "../../service/chain-reader";
import type { ChainReader } from "../../service/verify";
import { HttpClient } from "./http-client";
import { FileStore } from "../../service/storage";

export interface TestNotary extends RunningNotary {
  dataDir: string;
  client: HttpClient;
}

/** Years the tests' services take as weekdays-only (no schedule is published for them yet). */
export const TEST_CALENDAR_YEARS = "2027,2028,2029,2030";

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "notary-"));
}

/** A real notary in this process: real HTTP on a free port, real SQLite file, embedded chain. */
export async function startTestNotary(
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<TestNotary> {
  const dir = dataDir ?? (await newDataDir());
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: "0",
    CHAIN_PORT: "0",
    BATCH_MAX_WAIT_MS: "100",
    LOG_LEVEL: "silent",
    // Test data only: cases made "now" must have deadlines in years after the calendar data's
    // last (2026), where a real service refuses to guess until the schedule is configured.
    CALENDAR_YEARS: TEST_CALENDAR_YEARS,
    ...env,
  });
  const running = await startNotary(config, createLogger(process.env.TEST_LOG_LEVEL ?? "silent"));
  const key = await firstApiKey(config.apiKeysFile);
  return { ...running, dataDir: dir, client: new HttpClient(running.url, key) };
}

/** A client holding a new regulator key added to the running notary's keys. */
export async function regulatorClient(notary: TestNotary, id = "samr"): Promise<HttpClient> {
  return clientWithKey(notary, { id, name: "SAMR inspector", role: "regulator" });
}

/**
 * A client holding a new key of this role and these parties, added as the service adds keys
 * (its keys file or table): it authenticates at once. How keys edited from outside reach a
 * running service is tested in `test/keys`.
 */
export async function clientWithKey(
  notary: TestNotary,
  entry: { id: string; name?: string; role: Role; parties?: string[] },
): Promise<HttpClient> {
  const secret = newApiKey();
  await notary.keys.add({ name: `${entry.id} key`, ...entry, keySha256: hashApiKey(secret) });
  return notary.client.withKey(secret);
}

/** The platform key the first start created (tests that write their own keys file have none). */
export async function firstApiKey(file: string): Promise<string | undefined> {
  return readInitialApiKey(file).catch(() => undefined);
}

/** Polls the receipt until it is anchored. */
export async function waitAnchored(
  client: HttpClient,
  id: string,
  timeoutMs = 20_000,
): Promise<Extract<Receipt, { status: "anchored" }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await client.get(`/v1/records/${id}/receipt`);
    if (status !== 200) throw new Error(`receipt of ${id}: HTTP ${status} ${JSON.stringify(body)}`);
    const receipt = body as Receipt;
    if (receipt.status === "anchored") return receipt;
    if (Date.now() > deadline) throw new Error(`record ${id} not anchored within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Audits a running test notary's ledger, against its own chain unless another reader is given. */
export function auditNotary(
  notary: RunningNotary,
  chain: ChainReader = providerChainReader(notary.chain.provider),
): Promise<AuditReport> {
  return runAudit({ store: notary.store, files: notary.files, binding: notary.binding, chain });
}

/**
 * Reads `/readyz` until `until` holds of its answer or `timeoutMs` passes: the last answer and
 * its HTTP status either way, for the test to assert on.
 */
export async function readinessWhen<T>(
  url: string,
  until: (ready: T) => boolean,
  timeoutMs = 15_000,
): Promise<{ ready: T; status: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    const answer = { ready: (await response.json()) as T, status: response.status };
    if (until(answer.ready) || Date.now() >= deadline) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The notary's files on its own disk (the embedded default), for tests that touch them. */
export function localFiles(notary: RunningNotary): FileStore {
  if (!(notary.files instanceof FileStore))
    throw new Error("this notary keeps its files elsewhere");
  return notary.files;
}
