/**
 * `npm run chain`: only the persisted embedded chain, served read-only, so receipts can be
 * checked against it while the service is down.
 */
import { connectEmbedded } from "./chain";
import { mkdir } from "node:fs/promises";
import { ConfigError, loadConfig } from "./config";
import { assertPortsFree, DataDirLock, StartRefusal } from "./startup";

async function main(): Promise<void> {
  const config = loadConfig();
  await assertPortsFree([{ host: config.chain.host, port: config.chain.port, what: "chain RPC" }]);
  await mkdir(config.dataDir, { recursive: true });
  // The service writes this chain: serving it beside a running service would fork it.
  const lock = await DataDirLock.acquire(config.dataDir);
  const chain = await connectEmbedded({
    dir: config.chainDir,
    host: config.chain.host,
    port: config.chain.port,
    publicRpc: config.chain.publicRpc,
  });
  process.stderr.write(`${chain.description}\n`);
  const stop = () =>
    void chain
      .close()
      .then(() => lock.release())
      .then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError || error instanceof StartRefusal ? 2 : 1);
});
