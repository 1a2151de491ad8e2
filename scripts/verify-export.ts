/**
 * Checks a regulator's export archive with nothing but the archive and a chain RPC:
 *
 *   npm run verify-export -- --archive export.zip --rpc URL [--export-receipt FILE]
 *                            [--min-confirmations N] [--json]
 *
 * Every entry must hash to the manifest, the manifest to the digest the export's receipt
 * notarises, and that receipt and every record's receipt in the JSON Lines must verify against
 * the chain. Right after download the export's own receipt is still pending: refresh it with
 * `npm run verify -- --receipt export-receipt.json --upgrade …` and pass the result as
 * `--export-receipt`. Exit codes: 0 valid, 1 invalid (what failed is named), 2 could not check.
 */
import { readFile } from "node:fs/promises";
import { EXIT, parseCommandLine, runMain, UsageError, VERDICT_EXIT } from "./cli";
import { verifyExportArchive, type ArchiveReport } from "../service/exports";
import { rpcChainReader } from "../service/chain-reader";
import { certificatesFromPemOrDer } from "../service/witnesses";

function describe(r: ArchiveReport): string {
  const lines = r.entries.map(
    (e) =>
      `  ${e.name.padEnd(44)} ${String(e.rows).padStart(9)} rows` +
      (e.receipts > 0 ? `, ${e.receipts} receipts` : ""),
  );
  const ex = r.exportReceipt;
  const exportLine = !ex
    ? "export receipt: missing"
    : ex.verdict === "valid"
      ? `export receipt: valid, record ${ex.receipt!.record.id} notarises manifest ${r.manifestSha256}`
      : `export receipt: ${ex.verdict} (${ex.steps.find((s) => s.status !== "pass" && s.status !== "skip")?.code ?? ex.steps.find((s) => s.code === "RECEIPT_PENDING")?.code ?? "?"})`;
  const { checked, valid, invalid, unverifiable } = r.receipts;
  const findings = r.findings.map((f) => `  ✗ ${f.code}: ${f.message}`);
  if (r.findingCount > r.findings.length)
    findings.push(`  … and ${r.findingCount - r.findings.length} more`);
  const verdict =
    r.verdict === "valid"
      ? "VALID: every entry is as notarised, and every receipt verifies."
      : r.verdict === "invalid"
        ? `INVALID: ${r.findingCount} finding(s).`
        : "COULD NOT CHECK: the export's receipt or some receipts are pending or the chain could not be read.";
  return [
    ...lines,
    exportLine,
    `receipts: ${checked} checked, ${valid} valid, ${invalid} invalid, ${unverifiable} could not be checked`,
    ...findings,
    verdict,
  ].join("\n");
}

const USAGE = `usage: npm run verify-export -- --archive export.zip --rpc URL [--export-receipt FILE]
                                [--tsa-ca FILE ...] [--min-confirmations N] [--json]

Checks an export archive with nothing but the archive and a chain RPC: every entry against the
manifest, the manifest against the export's notarised receipt, every record's receipt against
the chain. --export-receipt is the export's receipt once anchored (npm run verify -- --upgrade).
--tsa-ca gives the root certificates of TSAs you trust; their tokens in the receipts are checked.
Exit codes: 0 valid, 1 invalid, 2 could not check.
`;

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      archive: { type: "string" },
      rpc: { type: "string" },
      "export-receipt": { type: "string" },
      "min-confirmations": { type: "string", default: "1" },
      "tsa-ca": { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
    },
  });
  if (!parsed) return EXIT.ok;
  const args = parsed.values;
  if (!args.archive) throw new UsageError("--archive FILE is required");
  if (!args.rpc) throw new UsageError("--rpc URL is required");
  const minConfirmations = Number(args["min-confirmations"]);
  if (!Number.isInteger(minConfirmations) || minConfirmations < 0)
    throw new UsageError("--min-confirmations takes a whole number");
  const exportReceipt = args["export-receipt"]
    ? JSON.parse(await readFile(args["export-receipt"], "utf8"))
    : undefined;
  const tsaTrustAnchors: Uint8Array[] = [];
  for (const file of args["tsa-ca"]) {
    const bytes = await readFile(file).catch((e: Error) => {
      throw new UsageError(`cannot read the TSA certificate ${file}: ${e.message}`);
    });
    tsaTrustAnchors.push(...certificatesFromPemOrDer(new Uint8Array(bytes)));
  }
  const { reader, close } = await rpcChainReader(args.rpc).catch((error: Error) => {
    throw new UsageError(`cannot reach the RPC: ${error.message}`);
  });
  try {
    const report = await verifyExportArchive(args.archive, reader, {
      exportReceipt,
      minConfirmations,
      tsaTrustAnchors,
    });
    process.stdout.write((args.json ? JSON.stringify(report, null, 2) : describe(report)) + "\n");
    return VERDICT_EXIT[report.verdict];
  } finally {
    close();
  }
}

runMain(main, { failuresUnanswered: true });
