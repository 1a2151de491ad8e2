/**
 * `npm run gbt39550 -- --from 2026-01-01 --to 2027-01-01 [--format json|html|pdf] [--out FILE]`:
 * the GB/T 39550-2020 evaluation binder of the ledger in DATA_DIR (or DATABASE_URL), for records
 * that took place in [from, to). Safe while the service runs: it only reads. Without --out the binder
 * goes to stdout (JSON and HTML) or to gbt39550-<from>-<to>.pdf.
 */
import { writeFile } from "node:fs/promises";
import { EXIT, parseCommandLine, runMain, UsageError } from "./cli";
import { renderBinderHtml, renderBinderPdf } from "../service/binder";
import { loadConfig } from "../service/config";
import { loadLookupSecret } from "../service/keys";
import { assembleBinder } from "../service/notary";
import { LedgerStore, openDatabase } from "../service/storage";

const FORMATS = ["json", "html", "pdf"] as const;

const USAGE = `usage: npm run gbt39550 -- --from DATE --to DATE [--format json|html|pdf] [--out FILE]

The GB/T 39550-2020 evaluation binder of the ledger in DATA_DIR (or DATABASE_URL) for what took
place in [from, to) (ISO-8601 dates or times). Reads only: safe while the service runs.
  --format   json (default), html or pdf
  --out      where to write it (default: stdout; a PDF goes to gbt39550-<from>-<to>.pdf)
`;

function instant(value: string | undefined, name: string): string {
  const at = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--${name} is an ISO-8601 date or time`);
  return new Date(at).toISOString();
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string", default: "json" },
      out: { type: "string" },
    },
  });
  if (!parsed) return EXIT.ok;
  const { values } = parsed;
  const from = instant(values.from, "from");
  const to = instant(values.to, "to");
  if (from >= to) throw new UsageError("--from must be before --to");
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format is one of ${FORMATS.join(", ")}`);
  const config = loadConfig();
  const { db, flushCommits } = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    pgSchema: config.databaseSchema,
  });
  try {
    const store = new LedgerStore(db, flushCommits);
    const binder = await assembleBinder(store, {
      from,
      to,
      chainId: (await store.binding())?.chainId ?? "",
      platform: config.issuerName,
      terminationPenalties: config.terminationPenalties,
      publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
      lookupSecret: await loadLookupSecret(config.lookupSecretFile),
    });
    const body =
      format === "pdf"
        ? await renderBinderPdf(binder)
        : format === "html"
          ? renderBinderHtml(binder)
          : JSON.stringify(binder, null, 2) + "\n";
    const out =
      values.out ??
      (format === "pdf" ? `gbt39550-${from.slice(0, 10)}-${to.slice(0, 10)}.pdf` : undefined);
    if (out) {
      await writeFile(out, body);
      process.stderr.write(
        `wrote ${out}: ${binder.total.score} of ${binder.total.points} points\n`,
      );
    } else process.stdout.write(body);
    return EXIT.ok;
  } finally {
    await db.destroy();
  }
}

runMain(main, { failurePrefix: "gbt39550: " });
