import archiver from "archiver";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { CDXIndexer } from "warcio";

const WACZ_VERSION = "1.1.1";
const sha256 = (bytes: Buffer | string) =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export interface WaczPage {
  url: string;
  title: string;
  /** When the page was captured (ISO 8601). */
  ts: string;
}

/**
 * Packages WARC files as a WACZ (Webrecorder's Web Archive Collection Zipped, 1.1.1), which
 * replay tools (ReplayWeb.page, pywb) open as they are: the WARCs under `archive/`, their CDXJ
 * index (written by warcio's indexer) under `indexes/`, the captured pages under `pages/`, and
 * `datapackage.json` naming each file with its SHA-256 and size, itself digested in
 * `datapackage-digest.json`. Stored, not deflated: the WARCs are gzip already, and a replay
 * tool reads them at their offsets.
 */
export async function writeWacz(
  path: string,
  o: {
    warcs: { name: string; path: string }[];
    pages: WaczPage[];
    software: string;
    created: string;
  },
): Promise<void> {
  const indexer = new CDXIndexer({ format: "cdxj" });
  const lines: string[] = [];
  for (const warc of o.warcs)
    for await (const entry of indexer.iterIndex([
      { filename: warc.name, reader: createReadStream(warc.path) },
    ]))
      lines.push(indexer.serializeCDXJ(entry));
  const index = lines.sort().join("");
  const pages =
    [
      JSON.stringify({ format: "json-pages-1.0", id: "pages", title: "All Pages" }),
      ...o.pages.map((p, i) =>
        JSON.stringify({ id: `page-${i}`, url: p.url, title: p.title, ts: p.ts }),
      ),
    ].join("\n") + "\n";

  const entries: { path: string; bytes: Buffer }[] = [];
  for (const warc of o.warcs)
    entries.push({ path: `archive/${warc.name}`, bytes: await readFile(warc.path) });
  entries.push({ path: "indexes/index.cdxj", bytes: Buffer.from(index) });
  entries.push({ path: "pages/pages.jsonl", bytes: Buffer.from(pages) });
  const datapackage = JSON.stringify(
    {
      profile: "data-package",
      wacz_version: WACZ_VERSION,
      created: o.created,
      software: o.software,
      mainPageUrl: o.pages[0]?.url,
      mainPageDate: o.pages[0]?.ts,
      resources: entries.map((e) => ({
        name: e.path.split("/").pop(),
        path: e.path,
        hash: sha256(e.bytes),
        bytes: e.bytes.length,
      })),
    },
    null,
    2,
  );
  const digest = JSON.stringify({ path: "datapackage.json", hash: sha256(datapackage) }, null, 2);

  const out = createWriteStream(path);
  const zip = archiver("zip", { store: true });
  zip.pipe(out);
  for (const e of entries) zip.append(e.bytes, { name: e.path, date: new Date(o.created) });
  zip.append(datapackage, { name: "datapackage.json", date: new Date(o.created) });
  zip.append(digest, { name: "datapackage-digest.json", date: new Date(o.created) });
  await zip.finalize();
  await finished(out);
}
