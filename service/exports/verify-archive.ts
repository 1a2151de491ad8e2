import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { z } from "zod";
import { LedgerError } from "../errors";
import { ExportMetadata } from "../records";
import { parseManifest, type ExportManifest } from "./manifest";
import { makeStatementRecovery } from "../keys";
import {
  verifyReceipt,
  type ChainReader,
  type OnChainBatchView,
  type OnChainTransaction,
  type Verification,
  type WitnessReport,
} from "../verify";

/** One thing wrong with an export archive, named precisely enough to act on. */
export interface ArchiveFinding {
  code: string;
  message: string;
  entry?: string;
  /** For a receipt in a JSON Lines entry: its line (from 1) and record. */
  line?: number;
  recordId?: string;
}

export interface ArchiveReport {
  verdict: "valid" | "invalid" | "unverifiable";
  manifestSha256: string | undefined;
  /** The export's own receipt: it notarises the manifest's digest. */
  exportReceipt: Verification | undefined;
  entries: { name: string; bytes: number; rows: number; receipts: number }[];
  receipts: { checked: number; valid: number; invalid: number; unverifiable: number };
  /** The first findings (at most `MAX_FINDINGS`); `findingCount` says how many in all. */
  findings: ArchiveFinding[];
  findingCount: number;
}

const MAX_FINDINGS = 1_000;
/** The one field of an export record checked here; the rest may come from another version. */
const NotarisedManifest = z.looseObject({
  manifestSha256: ExportMetadata.shape.manifestSha256,
});
const SIDE_FILES = new Set(["manifest.json", "export-receipt.json"]);

/**
 * Checks an export archive with nothing but the archive and a chain RPC: every entry hashes to
 * the manifest's digest, no entry is missing or added, the manifest hashes to the digest the
 * export's receipt notarises, that receipt verifies, and so does every record's receipt in the
 * JSON Lines entries (against the chain, without the records' files, which exports do not
 * carry). Streams each entry once, so archives of any size are checked in flat memory.
 * `exportReceipt` replaces the archive's own receipt of the export, typically its anchored
 * form fetched later: at download time the export was only just notarised, so still pending.
 */
export async function verifyExportArchive(
  path: string,
  chain: ChainReader,
  options: {
    exportReceipt?: unknown;
    minConfirmations?: number;
    tsaTrustAnchors?: readonly Uint8Array[];
  } = {},
): Promise<ArchiveReport> {
  const report: ArchiveReport = {
    verdict: "valid",
    manifestSha256: undefined,
    exportReceipt: undefined,
    entries: [],
    receipts: { checked: 0, valid: 0, invalid: 0, unverifiable: 0 },
    findings: [],
    findingCount: 0,
  };
  const find = (finding: ArchiveFinding) => {
    if (++report.findingCount <= MAX_FINDINGS) report.findings.push(finding);
  };
  const cachedChain = cachingChainReader(chain);
  const recoverSigner = makeStatementRecovery();
  // Every receipt of a batch carries the same tokens: each is checked once per run.
  const witnessMemo = new Map<string, WitnessReport>();
  const verify = (receipt: unknown) =>
    verifyReceipt({
      receipt,
      fileDigests: [],
      chain: cachedChain,
      minConfirmations: options.minConfirmations,
      recoverSigner,
      tsaTrustAnchors: options.tsaTrustAnchors,
      witnessMemo,
    });

  // Entries are read one at a time, and opened after the directory is read: close it by hand.
  const zip = await openZip(path, { lazyEntries: true, autoClose: false });
  try {
    const entries = new Map<string, Entry>();
    for await (const entry of entriesOf(zip)) {
      // Tools disagree on which of two same-named entries they extract: either may be forged.
      if (entries.has(entry.fileName))
        find({
          code: "ENTRY_DUPLICATE",
          entry: entry.fileName,
          message: `${entry.fileName} appears more than once in the archive`,
        });
      entries.set(entry.fileName, entry);
    }

    const manifestBytes = entries.has("manifest.json")
      ? await readAll(await openEntry(zip, entries.get("manifest.json")!))
      : undefined;
    if (!manifestBytes) {
      find({ code: "MANIFEST_MISSING", message: "the archive has no manifest.json" });
      return withVerdict(report, "invalid");
    }
    report.manifestSha256 = createHash("sha256").update(manifestBytes).digest("hex");
    let manifest: ExportManifest;
    try {
      manifest = parseManifest(parseJson(manifestBytes.toString("utf8")));
    } catch (error) {
      const code = error instanceof LedgerError ? error.code : "MANIFEST_MALFORMED";
      find({ code, message: error instanceof Error ? error.message : String(error) });
      // A later version is one this checker cannot judge; anything else is not a manifest.
      return withVerdict(
        report,
        code === "MANIFEST_UNSUPPORTED_FORMAT" ? "unverifiable" : "invalid",
      );
    }

    // The export's own receipt: a record of kind `export` committing to the manifest's digest.
    let exportReceipt = options.exportReceipt;
    if (exportReceipt === undefined && entries.has("export-receipt.json")) {
      const bytes = await readAll(await openEntry(zip, entries.get("export-receipt.json")!));
      exportReceipt = parseJson(bytes.toString("utf8"));
    }
    if (exportReceipt === undefined)
      find({ code: "EXPORT_RECEIPT_MISSING", message: "the archive has no export-receipt.json" });
    else {
      report.exportReceipt = await verify(exportReceipt);
      const record = report.exportReceipt.receipt?.record;
      const notarised = NotarisedManifest.safeParse(record?.metadata).data?.manifestSha256;
      if (record && (record.kind !== "export" || notarised !== report.manifestSha256))
        find({
          code: "MANIFEST_NOT_NOTARISED",
          message: `the manifest hashes to ${report.manifestSha256}; the export's receipt notarises ${String(notarised)}`,
        });
    }

    for (const listed of manifest.entries) {
      const entry = entries.get(listed.name);
      if (!entry) {
        find({ code: "ENTRY_MISSING", entry: listed.name, message: `${listed.name} is missing` });
        continue;
      }
      const checked = await checkEntry(await openEntry(zip, entry), listed.name, verify, {
        onReceipt: (verification, line) => {
          report.receipts.checked++;
          report.receipts[verification.verdict]++;
          if (verification.verdict === "invalid") {
            const failed = verification.steps.find((s) => s.status === "fail")!;
            find({
              code: failed.code,
              entry: listed.name,
              line,
              recordId: verification.receipt?.record.id,
              message: `line ${line}: the ${failed.step} check failed: ${failed.message}`,
            });
          }
        },
      });
      report.entries.push({ name: listed.name, ...checked.counts });
      if (checked.sha256 !== listed.sha256 || checked.counts.bytes !== listed.bytes)
        find({
          code: "ENTRY_ALTERED",
          entry: listed.name,
          message: `${listed.name} no longer hashes to the manifest's digest`,
        });
    }
    const listedNames = new Set(manifest.entries.map((e) => e.name));
    for (const name of entries.keys())
      if (!listedNames.has(name) && !SIDE_FILES.has(name))
        find({ code: "ENTRY_UNLISTED", entry: name, message: `${name} is not in the manifest` });
  } finally {
    zip.close();
  }

  const exportVerdict = report.exportReceipt?.verdict ?? "invalid";
  const verdict =
    report.findingCount > 0 || exportVerdict === "invalid"
      ? "invalid"
      : exportVerdict === "unverifiable" || report.receipts.unverifiable > 0
        ? "unverifiable"
        : "valid";
  return withVerdict(report, verdict);
}

function withVerdict(report: ArchiveReport, verdict: ArchiveReport["verdict"]): ArchiveReport {
  report.verdict = verdict;
  return report;
}

/** Hashes an entry while counting it, checking each JSON Lines row as a receipt on the way. */
async function checkEntry(
  stream: Readable,
  name: string,
  verify: (receipt: unknown) => Promise<Verification>,
  hooks: { onReceipt: (verification: Verification, line: number) => void },
): Promise<{ sha256: string; counts: { bytes: number; rows: number; receipts: number } }> {
  const hash = createHash("sha256");
  const counts = { bytes: 0, rows: 0, receipts: 0 };
  const jsonl = name.endsWith(".jsonl");
  const csv = name.endsWith(".csv") ? new CsvRowCounter() : undefined;
  const decoder = new StringDecoder("utf8"); // a chunk may end inside a character
  let pending = "";
  const row = async (text: string) => {
    counts.rows++;
    if (!jsonl) return;
    counts.receipts++;
    hooks.onReceipt(await verify(parseJson(text)), counts.rows);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    counts.bytes += chunk.length;
    csv?.add(chunk);
    if (!jsonl) continue;
    pending += decoder.write(chunk);
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) await row(line);
  }
  pending += decoder.end();
  if (jsonl && pending.length > 0) await row(pending);
  if (csv) counts.rows = csv.dataRows();
  return { sha256: hash.digest("hex"), counts };
}

/**
 * Counts a CSV's data rows as the export wrote them (RFC 4180: a line break inside quotes is
 * part of a cell, not the end of a row), the header line not counted.
 */
class CsvRowCounter {
  private quoted = false;
  private lines = 0;
  private lastByte = 0x0a;

  add(chunk: Buffer): void {
    for (const byte of chunk) {
      if (byte === 0x22) this.quoted = !this.quoted;
      else if (byte === 0x0a && !this.quoted) this.lines++;
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1]!;
  }

  dataRows(): number {
    const lines = this.lines + (this.lastByte === 0x0a ? 0 : 1);
    return Math.max(0, lines - 1);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { malformed: "not valid JSON" };
  }
}

/** Receipts of one batch ask the chain the same questions: ask each once. */
function cachingChainReader(chain: ChainReader): ChainReader {
  const memo = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    let hit = cache.get(key);
    if (!hit) {
      hit = load();
      hit.catch(() => cache.delete(key)); // a failed read is asked again, not remembered
      cache.set(key, hit);
    }
    return hit;
  };
  const batches = new Map<string, Promise<OnChainBatchView | undefined>>();
  const blocks = new Map<string, Promise<{ hash: string; timestamp: number } | undefined>>();
  const once = new Map<string, Promise<string | number>>();
  const transactions = new Map<string, Promise<OnChainTransaction | undefined>>();
  return {
    chainId: () => memo(once, "chainId", () => chain.chainId()) as Promise<string>,
    code: (address) =>
      memo(once, `code:${address.toLowerCase()}`, () => chain.code(address)) as Promise<string>,
    latestBlockNumber: () =>
      memo(once, "latest", () => chain.latestBlockNumber()) as Promise<number>,
    batchOf: (contract, operator, index) =>
      memo(batches, `${contract}:${operator}:${index}`, () =>
        chain.batchOf(contract, operator, index),
      ),
    block: (blockNumber) => memo(blocks, String(blockNumber), () => chain.block(blockNumber)),
    // Receipts of one batch share its anchor transaction.
    transaction: (hash) => memo(transactions, hash.toLowerCase(), () => chain.transaction(hash)),
  };
}

const openZip = promisify<string, yauzl.Options, ZipFile>(yauzl.open);

async function* entriesOf(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = new Promise<Entry | undefined>((resolve, reject) => {
      const onEntry = (entry: Entry) => {
        zip.off("end", onEnd).off("error", reject);
        resolve(entry);
      };
      const onEnd = () => {
        zip.off("entry", onEntry).off("error", reject);
        resolve(undefined);
      };
      zip.once("entry", onEntry).once("end", onEnd).once("error", reject);
    });
    zip.readEntry();
    const entry = await next;
    if (!entry) return;
    yield entry;
  }
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return promisify(zip.openReadStream.bind(zip))(entry) as Promise<Readable>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
