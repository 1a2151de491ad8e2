import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { WARCRecord, WARCSerializer } from "warcio";
import type { Exchange } from "./fetch";

const WARC_VERSION = "WARC/1.1";
/** Block and payload digests in SHA-256, hex: the digest the rest of the ledger speaks. */
const SERIALIZE = {
  gzip: true,
  digest: { algo: "sha-256" as AlgorithmIdentifier, prefix: "sha256:", base32: false },
};

const statusLine = (e: Exchange) => `HTTP/${e.httpVersion} ${e.status} ${e.statusText}`.trimEnd();

/**
 * Writes a capture's exchanges as a WARC 1.1 file (ISO 28500), one gzip member per record, as
 * Webrecorder's tools read it: a `warcinfo` record naming the software and the capture, then a
 * `request` and a `response` record per exchange, each with its block and payload digests, the
 * response carrying the address it came from (`WARC-IP-Address`).
 */
export function writeWarc(
  path: string,
  exchanges: readonly Exchange[],
  info: Record<string, string>,
): Promise<void> {
  return writeRecords(path, exchangeRecords(path, exchanges, info));
}

function* exchangeRecords(
  path: string,
  exchanges: readonly Exchange[],
  info: Record<string, string>,
): Generator<WARCRecord> {
  yield WARCRecord.createWARCInfo(
    { filename: path.split("/").pop()!, warcVersion: WARC_VERSION, date: info.capturedAt },
    info,
  );
  for (const e of exchanges) {
    const response = WARCRecord.create(
      {
        url: e.url,
        date: e.startedAt,
        type: "response",
        warcVersion: WARC_VERSION,
        statusline: statusLine(e),
        httpHeaders: e.responseHeaders,
        keepHeadersCase: true,
        warcHeaders: {
          ...(e.remoteAddress && { "WARC-IP-Address": e.remoteAddress }),
          ...(e.truncated && { "WARC-Truncated": "length" }),
        },
      },
      [e.body],
    );
    const url = new URL(e.url);
    yield response;
    yield WARCRecord.create(
      {
        url: e.url,
        date: e.startedAt,
        type: "request",
        warcVersion: WARC_VERSION,
        statusline: `${e.method} ${url.pathname}${url.search} HTTP/1.1`,
        httpHeaders: [["Host", url.host], ...e.requestHeaders],
        keepHeadersCase: true,
        warcHeaders: {
          "WARC-Concurrent-To": response.warcHeaders.headers.get("WARC-Record-ID") ?? "",
        },
      },
      e.requestBody ? [e.requestBody] : [],
    );
  }
}

/** Serialises records one gzip member each, waiting on the file as it fills. */
async function writeRecords(path: string, records: Iterable<WARCRecord>): Promise<void> {
  const out = createWriteStream(path);
  try {
    for (const record of records) {
      const bytes = await WARCSerializer.serialize(record, SERIALIZE);
      if (!out.write(bytes))
        await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
  } finally {
    out.end();
    await finished(out);
  }
}

/**
 * Writes files of the capture that were not fetched (its screenshots) as WARC `resource`
 * records under `urn:` URIs, the way Webrecorder's crawler stores a page's screenshots, so a
 * replay tool lists them beside the page.
 */
export function writeResourceWarc(
  path: string,
  resources: readonly { uri: string; mediaType: string; bytes: Buffer; date: string }[],
): Promise<void> {
  return writeRecords(
    path,
    resources.map((r) =>
      WARCRecord.create(
        {
          url: r.uri,
          date: r.date,
          type: "resource",
          warcVersion: WARC_VERSION,
          warcHeaders: { "Content-Type": r.mediaType },
        },
        [r.bytes],
      ),
    ),
  );
}
