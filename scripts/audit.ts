/**
 * `npm run audit [-- --json]`: audits the ledger in DATA_DIR (or DATABASE_URL) against its chain
 * (the embedded chain replayed from its journal, or CHAIN_RPC_URL), with a progress bar.
 * Safe while the service runs: it only reads. Exit codes: 0 no discrepancy, 1 discrepancies
 * found, 2 could not audit.
 */
import { EXIT, parseCommandLine, runMain } from "./cli";
import { runAudit } from "../service/audit";
import { connectEmbedded, type ChainConnection } from "../service/chain";
import { loadConfig } from "../service/config";
import { FileStore, LedgerStore, openDatabase } from "../service/storage";
import { type ChainReader } from "../service/verify";
import { providerChainReader, rpcChainReader } from "../service/chain-reader";

function progressBar(): (phase: string, done: number, total: number) => void {
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const line = `${phase.padEnd(8)} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? "\n" : ""}`);
    else if (done === total) process.stderr.write(`${line}\n`);
  };
}

const USAGE = `usage: npm run audit [-- --json]

Audits the ledger in DATA_DIR (or DATABASE_URL) against its chain (the embedded chain replayed
from its journal, or CHAIN_RPC_URL): every record re-hashed, every batch root rebuilt and
compared with the chain, every file re-hashed. Reads only: safe while the service runs.
  --json   print the report as JSON
Exit codes: 0 no discrepancy, 1 discrepancies found, 2 could not audit.
`;

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    options: { json: { type: "boolean", default: false } },
  });
  if (!parsed) return EXIT.ok;
  const { values } = parsed;
  const config = loadConfig();
  const { db, flushCommits } = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    pgSchema: config.databaseSchema,
  });
  const store = new LedgerStore(db, flushCommits);
  let embedded: ChainConnection | undefined;
  let close = () => {};
  try {
    const binding = await store.binding();
    if (!binding)
      throw new Error(`no ledger in ${config.dataDir}: the service has never started there`);
    let chain: ChainReader;
    if (config.chain.rpcUrl) {
      const rpc = await rpcChainReader(config.chain.rpcUrl);
      chain = rpc.reader;
      close = rpc.close;
    } else {
      embedded = await connectEmbedded({
        dir: config.chainDir,
        host: config.chain.host,
        port: 0,
        serve: false,
        readOnly: true,
      });
      chain = providerChainReader(embedded.provider);
    }
    const report = await runAudit({
      store,
      files: new FileStore(config.fileStoreDir),
      binding,
      chain,
      onProgress: progressBar(),
    });
    if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else {
      const c = report.counted;
      process.stdout.write(
        `audited ${c.records} records, ${c.files} files (${c.fileBytes} bytes re-hashed), ${c.batches} batches (${c.anchoredBatches} anchored)\n`,
      );
      for (const d of report.discrepancies)
        process.stdout.write(`✗ ${d.check} ${d.code}: ${d.message}\n`);
      process.stdout.write(
        report.ok
          ? "no discrepancy found\n"
          : `${report.discrepancies.length} discrepancies found\n`,
      );
    }
    return report.ok ? 0 : 1;
  } finally {
    close();
    await embedded?.close();
    await db.destroy();
  }
}

runMain(main, { failurePrefix: "audit could not run: ", failuresUnanswered: true });
