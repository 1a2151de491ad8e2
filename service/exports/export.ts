import archiver from "archiver";
import { createHash } from "node:crypto";
import { PassThrough, type Writable } from "node:stream";
import type { Submitter } from "../intake";
import type { Notary } from "../notary";
import { CanonicalRecord, type RecordKind } from "../records";
import type { LedgerStore, RecordQuery } from "../storage";

/** The eight data types regulators take out (GB/T 39550 5.4, our reading), and what fills each. */
const DATA_TYPES: {
  file: string;
  kinds: RecordKind[];
  actionTypes?: (type: string) => boolean;
  note?: string;
}[] = [
  { file: "1-merchant-filings", kinds: ["filing", "commitment"] },
  {
    file: "2-ip-information-on-goods",
    kinds: [],
    note: "not recorded by this ledger: IP information shown on goods lives in the platform's catalogue",
  },
  { file: "3-notices", kinds: ["notice"] },
  { file: "4-declarations", kinds: ["counter_notice"] },
  {
    file: "5-measures",
    kinds: ["action"],
    actionTypes: (t) => t !== "malicious_notice_flag" && t !== "credit_penalty",
  },
  {
    file: "6-malicious-notice-and-credit",
    kinds: ["action"],
    actionTypes: (t) => t === "malicious_notice_flag" || t === "credit_penalty",
  },
  { file: "7-evidence-and-preservation", kinds: ["evidence"] },
  { file: "8-goods-and-transactions", kinds: ["notice", "counter_notice"] },
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
];
const GOODS_HEADER = ["record_id", "kind", "platform", "url", "item_id", "shop_id", "merchant"];

export interface ExportRequest {
  filters: Omit<RecordQuery, "afterSeq" | "limit">;
  filterText: Record<string, string>;
  requestedBy: Submitter;
}

export interface ManifestEntry {
  name: string;
  sha256: string;
  bytes: number;
  rows: number;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (cells: unknown[]) => cells.map(csvCell).join(",") + "\r\n";

/**
 * Streams an export as a ZIP: each data type as JSON Lines (every record with its receipt) and
 * as CSV (UTF-8 with BOM), a manifest of their SHA-256 digests, and the receipt of the manifest
 * notarised as a ledger record of kind `export`. Records are read a page at a time and written
 * with backpressure, so memory stays flat however many there are.
 */
export async function writeExport(
  store: LedgerStore,
  notary: Notary,
  request: ExportRequest,
  out: Writable,
): Promise<{ recordId: string; manifest: object }> {
  const archive = archiver("zip", { zlib: { level: 6 } });
  const finished = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    archive.on("error", reject);
  });
  archive.pipe(out);
  const entries: ManifestEntry[] = [];
  let recordCount = 0;

  const entry = async (
    name: string,
    produce: (write: (text: string) => Promise<void>) => Promise<number>,
  ) => {
    const stream = new PassThrough();
    const hash = createHash("sha256");
    let bytes = 0;
    archive.append(stream, { name });
    const write = async (text: string) => {
      const chunk = Buffer.from(text, "utf8");
      hash.update(chunk);
      bytes += chunk.length;
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
    };
    const rows = await produce(write);
    stream.end();
    entries.push({ name, sha256: hash.digest("hex"), bytes, rows });
  };

  async function* recordsOf(type: (typeof DATA_TYPES)[number]) {
    for (const kind of type.kinds) {
      for (let after = -1; ;) {
        const page = await store.search({
          ...request.filters,
          kind: request.filters.kind ?? kind,
          afterSeq: after,
          limit: PAGE,
        });
        for (const row of page) {
          if (row.kind !== kind) continue;
          const record = CanonicalRecord.parse(JSON.parse(row.canonical));
          if (
            type.actionTypes &&
            !type.actionTypes(String((record.metadata as { type?: string }).type))
          )
            continue;
          yield { row, record };
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]!.seq;
      }
    }
  }

  for (const type of DATA_TYPES) {
    if (type.file.startsWith("8-")) {
      await entry(`${type.file}.csv`, async (write) => {
        await write("\uFEFF" + csvLine(GOODS_HEADER));
        let rows = 0;
        for await (const { record } of recordsOf(type)) {
          const m = record.metadata as {
            targets?: Record<string, string>[];
            items?: Record<string, string>[];
          };
          for (const l of [...(m.targets ?? []), ...(m.items ?? [])]) {
            await write(
              csvLine([record.id, record.kind, l.platform, l.url, l.itemId, l.shopId, l.merchant]),
            );
            rows++;
          }
        }
        return rows;
      });
      continue;
    }
    await entry(`${type.file}.jsonl`, async (write) => {
      let rows = 0;
      for await (const { row } of recordsOf(type)) {
        await write(
          JSON.stringify({
            record: JSON.parse(row.canonical),
            receipt: await notary.getReceipt(row.id),
          }) + "\n",
        );
        rows++;
      }
      recordCount += rows;
      return rows;
    });
    await entry(`${type.file}.csv`, async (write) => {
      await write("\uFEFF" + csvLine(CSV_HEADER));
      let rows = 0;
      for await (const { row, record } of recordsOf(type)) {
        const receipt = await notary.getReceipt(row.id);
        const anchor = receipt.status === "anchored" ? receipt.anchor : undefined;
        await write(
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
          ]),
        );
        rows++;
      }
      return rows;
    });
  }

  const manifest = {
    format: "evidence-export/v1",
    createdAt: new Date().toISOString(),
    ledger: notary.binding,
    filters: request.filterText,
    notes: Object.fromEntries(DATA_TYPES.filter((t) => t.note).map((t) => [t.file, t.note])),
    entries,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
  archive.append(manifestBytes, { name: "manifest.json" });
  const manifestSha256 = createHash("sha256").update(manifestBytes).digest("hex");
  const { id, receipt } = await notary.submit({
    input: {
      kind: "export",
      metadata: {
        manifestSha256,
        entries: entries.length,
        records: recordCount,
        filters: request.filterText,
        requestedBy: request.requestedBy.name,
      },
      links: [],
    },
    files: [],
    submitter: request.requestedBy,
  });
  archive.append(JSON.stringify(receipt, null, 2) + "\n", { name: "export-receipt.json" });
  await archive.finalize();
  await finished;
  return { recordId: id, manifest };
}
