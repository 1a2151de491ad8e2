import { spawnNotary as spawnChild, type NotaryChild } from "../../scripts/notary-process";
import { HttpClient } from "./http-client";
import { TEST_CALENDAR_YEARS } from "./notary";

export interface NotaryProcess extends NotaryChild {
  client: HttpClient;
}

/** The service in its own process (short batch wait for fast tests), with an HTTP client. */
export async function spawnNotary(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<NotaryProcess> {
  const child = await spawnChild(dataDir, {
    BATCH_MAX_WAIT_MS: "100",
    CALENDAR_YEARS: TEST_CALENDAR_YEARS,
    ...env,
  });
  return { ...child, client: new HttpClient(child.url, child.apiKey) };
}

export async function kill9(notary: NotaryProcess): Promise<void> {
  if (notary.child.exitCode === null && notary.child.signalCode === null)
    notary.child.kill("SIGKILL");
  await notary.exited;
}
