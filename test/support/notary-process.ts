import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { firstApiKey } from "./notary";
import { HttpClient } from "./http-client";

export interface NotaryProcess {
  child: ChildProcess;
  url: string;
  rpcUrl: string | null;
  client: HttpClient;
  output: () => string;
  exited: Promise<number | null>;
}

const ROOT = join(__dirname, "..", "..");

/** Runs `service/main.ts` as its own process, as `npm start` does, and waits until it listens. */
export async function spawnNotary(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<NotaryProcess> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(ROOT, "service", "main.ts")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: "0",
        CHAIN_PORT: "0",
        BATCH_MAX_WAIT_MS: "100",
        LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/listening on (http:\/\/\S+)/.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`notary exited before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`notary did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = output.match(/listening on (http:\/\/\S+)/)![1]!;
  const rpcUrl = output.match(/chain RPC\s+(http:\/\/\S+)/)?.[1] ?? null;
  const key = await firstApiKey(env.API_KEYS_FILE ?? join(dataDir, "keys", "api-keys.json"));
  return { child, url, rpcUrl, client: new HttpClient(url, key), output: () => output, exited };
}

export async function kill9(notary: NotaryProcess): Promise<void> {
  if (notary.child.exitCode === null && notary.child.signalCode === null)
    notary.child.kill("SIGKILL");
  await notary.exited;
}
