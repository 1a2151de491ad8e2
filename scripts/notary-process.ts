import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { readInitialApiKey } from "../service/keys";
import { RUN_TYPESCRIPT } from "./typescript";

export interface NotaryChild {
  child: ChildProcess;
  url: string;
  rpcUrl: string | null;
  apiKey: string;
  output: () => string;
  exited: Promise<number | null>;
}

const ROOT = join(__dirname, "..");

/**
 * Runs `service/main.ts` in its own process, as `npm start` does, on free ports, and waits
 * until it listens. For tests that crash or restart the service, and benchmarks that measure it.
 */
export async function spawnNotary(
  dataDir: string,
  env: Record<string, string> = {},
  options: { nodeArgs?: string[]; built?: boolean; root?: string } = {},
): Promise<NotaryChild> {
  const root = options.root ?? ROOT;
  // Built: the compiled service, as `npm start` runs it, with no TypeScript at run time.
  const args = options.built
    ? [...(options.nodeArgs ?? []), join(root, "dist", "service", "main.js")]
    : [...(options.nodeArgs ?? []), ...RUN_TYPESCRIPT, join(root, "service", "main.ts")];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: "0",
      CHAIN_PORT: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
  const keysFile = env.API_KEYS_FILE ?? join(dataDir, "keys", "api-keys.json");
  const apiKey = await readInitialApiKey(keysFile).catch(() => "");
  return {
    child,
    url: output.match(/listening on (http:\/\/\S+)/)![1]!,
    rpcUrl: output.match(/chain RPC\s+(http:\/\/\S+)/)?.[1] ?? null,
    apiKey,
    output: () => output,
    exited,
  };
}
