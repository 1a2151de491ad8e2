/** `npm start`: the notary with its embedded chain (or CHAIN_RPC_URL), configured by environment. */
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./observability";
import { LedgerError } from "./errors";
import { initialKeyFile, KeysFileError } from "./keys";
import { startNotary } from "./server";
import { StartRefusal } from "./startup";

const USAGE = `usage: npm start [-- --help]

Starts the evidence notary: the HTTP API, and by default an embedded chain, in DATA_DIR
(default ./data). It takes no options: it is configured by environment variables (PORT,
DATA_DIR, DATABASE_URL, CHAIN_RPC_URL, FILE_STORE_URL, …), each listed with its default in
README.md under "Configuration".
`;

/** The only arguments are --help and -h: anything else is a mistake, told before any start. */
function readArguments(args: readonly string[]): "help" | "start" {
  if (args.some((a) => a === "--help" || a === "-h")) return "help";
  if (args.length > 0) throw new ConfigError(`unknown argument ${args.join(" ")}\n\n${USAGE}`);
  return "start";
}

async function main(): Promise<void> {
  // Before the configuration is read: --help must make no data directory and deploy nothing.
  if (readArguments(process.argv.slice(2)) === "help") return void process.stdout.write(USAGE);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await startNotary(config, logger);
  const lines = [
    `evidence notary listening on ${running.url}`,
    `  API         ${running.url}/v1   (OpenAPI: ${running.url}/v1/openapi.json)`,
    running.rpcUrl
      ? `  chain RPC   ${running.rpcUrl}   (read-only, chain ${running.binding.chainId})`
      : `  chain       ${config.chain.rpcUrl ?? ""}`,
    `  contract    ${running.binding.contract}`,
    `  operator    ${running.binding.operator}`,
    `  data        ${config.dataDir}`,
    running.createdApiKeys
      ? `  API key     created in ${initialKeyFile(running.apiKeysFile)} (keys: ${running.keys.description})`
      : `  API keys    ${running.keys.description}`,
  ];
  process.stderr.write(lines.join("\n") + "\n");

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down: intake closed, flushing the open batch");
    // The stop is bounded by itself; this is the backstop should a store hang on closing.
    setTimeout(() => {
      logger.error("shutdown overran its time; exiting (the next start reconciles)");
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

/** Coded start-up errors that name what the operator must do (fund a key, free a port). */
function isOperatorsToFix(error: unknown): error is Error {
  return (
    (error instanceof LedgerError && error.code === "OPERATOR_UNFUNDED") ||
    error instanceof StartRefusal
  );
}

/** One line, led by the code where the error has one, so scripts and people can act on it. */
function lineOf(error: Error): string {
  return error instanceof LedgerError ? `${error.code}: ${error.message}` : error.message;
}

main().catch((error: unknown) => {
  // A bad configuration or keys file is the operator's to fix: say what and where, no stack.
  const known =
    error instanceof ConfigError || error instanceof KeysFileError || isOperatorsToFix(error);
  process.stderr.write(
    `${known ? lineOf(error) : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(known ? 2 : 1);
});
