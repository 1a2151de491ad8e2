import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { CSV_BOM, csvLine } from "../csv";
import { BUFFER_BYTES, NotarisedArchive } from "./archive";
import { MANIFEST_FORMAT, type ExportManifest } from "./manifest";
import type { Submitter } from "../intake";
import type { Notary } from "../notary/notary";
import {
  hasTerms,
  MERCHANT_ACTIONS,
  readStoredRecord,
  type RecordKind,
  type TypedRecord,
} from "../records";
import type { RecordIndex, RecordQuery } from "../storage";

interface DataType {
  file: string;
  kinds: RecordKind[];
  /** Which records of those kinds belong to the type; all of them when absent. */
  includes?: (record: TypedRecord) => boolean;
  /** A CSV of one row per item the records hold, instead of one row per record. */
  table?: { header: string[]; rows: (record: TypedRecord) => unknown[][] };
  /** The records are exported under another type already: write only the table. */
  tableOnly?: boolean;
  /** Its records are also in that type's files: counted once in the export's total. */
  subsetOf?: string;
}

/** Malicious-notice and credit records: flags, and what the enforcement register holds. */
const isPenalty = (r: TypedRecord) =>
  r.kind === "penalty_decision" ||
  (r.kind === "action" &&
    (r.metadata.type === "malicious_notice_flag" || MERCHANT_ACTIONS.includes(r.metadata.type)));
const goodsIpOf = (r: TypedRecord) => (r.kind === "filing" ? (r.metadata.goodsIp ?? []) : []);
/** The listings a notice targets or a declaration answers for. */
const listingsOf = (r: TypedRecord) =>
  r.kind === "notice"
    ? (r.metadata.targets ?? [])
    : r.kind === "counter_notice"
      ? r.metadata.items
      : r.kind === "report"
        ? (r.metadata.listings ?? [])
        : [];

/** The eight data types regulators take out (GB/T 39550 5.4, our reading), and what fills each. */
const DATA_TYPES: DataType[] = [
  { file: "1-merchant-filings", kinds: ["filing", "commitment"] },
  {
    file: "2-ip-information-on-goods",
    kinds: ["filing"],
    subsetOf: "1-merchant-filings",
    includes: (r) => goodsIpOf(r).length > 0,
    table: {
      header: [
        "record_id",
        "seq",
        "merchant",
        "platform",
        "url",
        "item_id",
        "shop_id",
        "right_type",
        "registration_number",
        "holder",
        "displayed_as",
        "basis",
        "proof_files",
      ],
      rows: (r) =>
        goodsIpOf(r).flatMap(({ listing, shown }) =>
          shown.map((right) => [
            r.id,
            r.seq,
            r.kind === "filing" ? r.metadata.merchant.legalName : undefined,
            listing.platform,
            listing.url,
            listing.itemId,
            listing.shopId,
            right.type,
            right.registrationNumber,
            right.holder,
            right.displayedAs,
            right.basis,
            (right.proofFiles ?? []).join("; "),
          ]),
        ),
    },
  },
  { file: "3-notices", kinds: ["notice"] },
  { file: "4-declarations", kinds: ["counter_notice"] },
  { file: "5-measures", kinds: ["action"], includes: (r) => !isPenalty(r) },
  {
    file: "6-malicious-notice-and-credit",
    kinds: ["action", "penalty_decision"],
    includes: isPenalty,
  },
  // Erasure records say which preserved values were erased, when and why: "erased by record X".
  { file: "7-evidence-and-preservation", kinds: ["evidence", "erasure"] },
  {
    file: "8-goods-and-transactions",
    kinds: ["notice", "counter_notice", "report"],
    tableOnly: true,
    table: {
      header: ["record_id", "kind", "platform", "url", "item_id", "shop_id", "merchant"],
      rows: (r) =>
        listingsOf(r).map((l) => [r.id, r.kind, l.platform, l.url, l.itemId, l.shopId, l.merchant]),
    },
  },
  /** Beyond the eight: the rest of what the platform recorded, so an export leaves nothing out. */
  {
    file: "9-reports-disputes-and-platform-work",
    kinds: ["report", "mediation", "activity", "campaign", "contact_directory"],
  },
];

const PAGE = 500;
const CSV_HEADER = [
  "id",
  "seq",
  "kind",
  "received_at",
  "submitter",
  "leaf_hash",
  "status",
  "batch_index",
  "tx_hash",
  "block_number",
  "metadata_json",
  // What was erased since intake and by which erasure record: a value absent from metadata_json
  // was erased, never merely missing.
  "erased",
];

export interface ExportRequest {
  filters: Omit<RecordQuery, "afterSeq" | "limit">;
  filterText: Record<string, string>;
  requestedBy: Submitter;
}

/**
 * Per record of a page, what its erasure records erased: "notifier.email, file licence.png by
 * <erasure id> at <time>". One query a page: the links index finds them, each erasure's own
 * canonical link decides.
 */
async function erasuresOf(
  store: RecordIndex,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>();
  if (ids.length === 0) return by;
  for (const row of await store.linkingTo(ids, "erases")) {
    const erasure = readStoredRecord(row);
    if (
      erasure.kind !== "erasure" ||
      !erasure.links.some((l) => l.rel === "erases" && l.id === row.target)
    )
      continue;
    const what = [
      ...erasure.metadata.fields,
      ...(erasure.metadata.files ?? []).map((f) => `file ${f.name}`),
    ];
    by.set(row.target, [
      ...(by.get(row.target) ?? []),
      `${what.join(", ")} by ${erasure.id} at ${erasure.receivedAt}`,
    ]);
  }
  return by;
}

/**
 * Streams an export as a ZIP: each data type as JSON Lines (every record's receipt, which
 * carries the record) and as CSV (UTF-8 with BOM), a manifest of their SHA-256 digests, and the
 * receipt of the manifest notarised as a ledger record of kind `export`. Records are read a page
 * at a time and written with backpressure, each once: a type's CSV rows go to a scratch file
 * while its JSON Lines stream into the archive, since a ZIP's entries cannot interleave. So
 * memory stays flat however many records there are. Scratch files go in `scratchIn`, on the
 * ledger's own disk, where the next start sweeps whatever a crash left. A client that goes away
 * stops the export; one abandoned before its manifest is complete is not notarised.
 */
export async function writeExport(
  store: RecordIndex,
  notary: Pick<Notary, "receiptOf" | "binding" | "submit">,
  request: ExportRequest,
  out: Writable,
  scratchIn: string,
): Promise<{ recordId: string; manifest: object }> {
  // Fast deflate (level 1): on these files the default level gave no smaller archive (10 MiB
  // for 20,000 records either way, measured) for more CPU.
  const archive = new NotarisedArchive(out);
  const scratch = await mkdtemp(join(scratchIn, "export-"));
  let recordCount = 0;

  async function* recordsOf(type: DataType) {
    for (const kind of type.kinds) {
      if (request.filters.kind && request.filters.kind !== kind) continue;
      for (let after = -1; ;) {
        const page = await store.search({ ...request.filters, kind, afterSeq: after, limit: PAGE });
        const erased = await erasuresOf(
          store,
          page.map((r) => r.id),
        );
        for (const row of page) {
          const record = readStoredRecord(row);
          if (type.includes && !type.includes(record)) continue;
          if (!hasTerms(record, request.filters.terms ?? {})) continue;
          yield { row, record, erased: erased.get(row.id) ?? [] };
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.seq;
      }
    }
  }

  async function recordFiles(type: DataType) {
    const csvName = `${type.file}.csv`;
    const csvPath = join(scratch, csvName);
    const csv = archive.writerTo(createWriteStream(csvPath, { highWaterMark: BUFFER_BYTES }));
    let rows = 0;
    try {
      await csv.write(CSV_BOM + csvLine(CSV_HEADER));
      await archive.streamed(`${type.file}.jsonl`, async (jsonl) => {
        for await (const { row, record, erased } of recordsOf(type)) {
          // Exports go to regulators, who see every value still kept.
          const receipt = await notary.receiptOf(row, "all");
          await jsonl.write(JSON.stringify(receipt) + "\n");
          const anchor = receipt.status === "anchored" ? receipt.anchor : undefined;
          await csv.write(
            csvLine([
              row.id,
              row.seq,
              row.kind,
              row.received_at,
              record.submitter.name,
              row.leaf_hash,
              receipt.status,
              anchor?.batchIndex,
              anchor?.txHash,
              anchor?.blockNumber,
              JSON.stringify(record.metadata),
              erased.join("; "),
            ]),
          );
          rows++;
        }
        return rows;
      });
    } catch (error) {
      csv.destroy(); // an abandoned export must not keep its scratch file open
      throw error;
    }
    if (!type.subsetOf) recordCount += rows;
    archive.appendWritten(
      { name: csvName, sha256: await csv.end(), bytes: csv.bytes, rows },
      createReadStream(csvPath),
    );
  }

  async function tableFile(type: DataType, table: NonNullable<DataType["table"]>) {
    await archive.streamed(`${type.file}${type.tableOnly ? "" : "-items"}.csv`, async (w) => {
      await w.write(CSV_BOM + csvLine(table.header));
      let rows = 0;
      for await (const { record } of recordsOf(type)) {
        for (const cells of table.rows(record)) {
          await w.write(csvLine(cells));
          rows++;
        }
      }
      return rows;
    });
  }

  // Each scratch file goes as soon as the archive has read it.
  archive.onEntry((name) => {
    if (name.endsWith(".csv")) void rm(join(scratch, name), { force: true });
  });
  try {
    for (const type of DATA_TYPES) {
      if (!type.tableOnly) await recordFiles(type);
      if (type.table) await tableFile(type, type.table);
    }

    const manifest: ExportManifest = {
      format: MANIFEST_FORMAT,
      createdAt: new Date().toISOString(),
      ledger: { ...notary.binding },
      filters: request.filterText,
      entries: archive.entries,
    };
    const recordId = await archive.seal(
      manifest,
      async (manifestSha256) => {
        const { id, receipt } = await notary.submit({
          input: {
            kind: "export",
            metadata: {
              manifestSha256,
              entries: archive.entries.length,
              records: recordCount,
              filters: request.filterText,
              requestedBy: request.requestedBy.name,
            },
            links: [],
          },
          files: [],
          submitter: request.requestedBy,
        });
        return { receipt, result: id };
      },
      "export-receipt.json",
    );
    return { recordId, manifest };
  } catch (error) {
    archive.abort();
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
