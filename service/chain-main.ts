/**
 * `npm run chain`: only the persisted embedded chain, served read-only, so receipts can be
 * checked against it while the service is down.
 */
import { connectEmbedded } from "./chain";
import { ConfigError, loadConfig } from "./config";

async function main(): Promise<void> {
  const config = loadConfig();
  const chain = await connectEmbedded({
    dir: config.chainDir,
    host: config.chain.host,
    port: config.chain.port,
    publicRpc: config.chain.publicRpc,
  });
  process.stderr.write(`${chain.description}\n`);
  const stop = () => void chain.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
