import type { Entitlement } from "../disclosure";
import type { ApiKey } from "../keys";
import type { Writable } from "node:stream";
import { certificateNumber } from "../certificate";
import { InvalidInputError, InvariantError } from "../errors";
import { NotarisedArchive } from "../exports";
import type { Submitter } from "../intake";
import type { Notary } from "../notary/notary";
import type { Receipt } from "../receipts";
import type { CanonicalRecord } from "../records";
import { bundleReadme } from "./readme";

export const BUNDLE_FORMAT = "court-bundle/v1";

export interface BundleSubject {
  /** `record:<id>` or `case:<noticeId>`: what the bundle is of, as its manifest and record say. */
  name: string;
  records: CanonicalRecord[];
  /**
   * Whose bundle it is: its receipts carry the disclosures this reader may see, so a court
   * shown the bundle sees the holder's data and can check it against the record's digests.
   */
  reader: ApiKey;
}

export interface BundleDeps {
  notary: Pick<Notary, "getReceipt" | "openFile" | "submit" | "binding" | "entitlementOf">;
  /** The certificate of an anchored receipt, as the PDF served for it to `reader`. */
  certificatePdf: (
    receipt: Extract<Receipt, { status: "anchored" }>,
    reader: Entitlement,
  ) => Promise<Buffer>;
  offlinePage: () => Promise<string>;
  /** PEM of the TSA roots the service trusts, to carry into the bundle; empty for none. */
  tsaRootsPem: string;
  issuer: string;
  /** Largest total of original files one bundle may carry. */
  maxFileBytes: number;
  /** The erasures notarised for a record, for the README (none when not given). */
  erasuresOf?: (id: string) => Promise<readonly Erasure[]>;
}

interface Erasure {
  recordId: string;
  at: string;
  fields: string[];
  files: readonly { name: string; sha256: string }[];
}

/**
 * The court bundle: everything a court, a party or an expert needs to check the evidence without
 * the service: certificates (PDF), receipts, original files, the offline verification page, a
 * README in Chinese and English, and a manifest of every entry's SHA-256, itself notarised (a
 * ledger record of kind `export`, its receipt in the bundle). Streamed: files are copied a chunk
 * at a time with backpressure, so memory stays flat for a case of any size.
 */
export async function writeBundle(
  deps: BundleDeps,
  subject: BundleSubject,
  requestedBy: Submitter,
  out: Writable,
): Promise<{ recordId: string }> {
  const fileBytes = subject.records.reduce(
    (n, r) => n + r.files.reduce((m, f) => m + f.size, 0),
    0,
  );
  if (fileBytes > deps.maxFileBytes)
    throw new InvalidInputError(
      "BUNDLE_TOO_LARGE",
      `the bundle would carry ${fileBytes} bytes of files, more than the ${deps.maxFileBytes} one bundle may (MAX_BUNDLE_BYTES); ask for each record's bundle instead`,
      { details: { fileBytes, maxFileBytes: deps.maxFileBytes } },
    );
  const archive = new NotarisedArchive(out);
  try {
    const erasures = await erasuresIn(deps, subject.records);
    const gone = new Set(erasures.flatMap((e) => e.files.map((f) => `${e.recordId}/${f.sha256}`)));
    const receipts: { receipt: Receipt; files: string[] }[] = [];
    const withheld: { recordId: string; name: string; sha256: string }[] = [];
    for (const record of subject.records) {
      const receipt = await deps.notary.getReceipt(record.id, subject.reader);
      const entries = entryNames(record.files.map((f) => f.name));
      // An erased file's bytes are gone; the README names its erasure in their place. A file
      // marked personal goes only to a reader entitled to every personal value.
      const entitlement = deps.notary.entitlementOf(record, subject.reader);
      const entitled = entitlement === "all";
      const carried = [...record.files.entries()].filter(
        ([, f]) => !gone.has(`${record.id}/${f.sha256}`) && (entitled || !f.personal),
      );
      for (const f of record.files)
        if (f.personal && !entitled && !gone.has(`${record.id}/${f.sha256}`))
          withheld.push({ recordId: record.id, name: f.name, sha256: f.sha256 });
      receipts.push({ receipt, files: carried.map(([i]) => `files/${record.id}/${entries[i]}`) });
      await archive.bytes(`receipts/${record.id}.json`, JSON.stringify(receipt, null, 2) + "\n");
      if (receipt.status === "anchored")
        await archive.bytes(
          `certificates/${certificateNumber(record.seq, receipt.leafHash)}.pdf`,
          await deps.certificatePdf(receipt, entitlement),
        );
      for (const [i, file] of carried) {
        const { stream } = await deps.notary.openFile(record.id, file.sha256, subject.reader);
        const copied = await archive.copied(`files/${record.id}/${entries[i]}`, stream);
        // The bytes on disk are the notarised bytes, or the bundle says nothing of them.
        if (copied !== file.sha256)
          throw new InvariantError(
            "BUNDLE_FILE_ALTERED",
            `stored file ${file.sha256} of record ${record.id} no longer has its digest; run the audit`,
          );
      }
    }
    await archive.bytes("verify.html", await deps.offlinePage());
    if (deps.tsaRootsPem) await archive.bytes("tsa-roots.pem", deps.tsaRootsPem);
    await archive.bytes(
      "README.txt",
      bundleReadme({
        subject: subject.name,
        issuer: deps.issuer,
        receipts,
        erasures,
        withheld,
      }),
    );
    const manifest = {
      format: BUNDLE_FORMAT,
      createdAt: new Date().toISOString(),
      subject: subject.name,
      issuer: deps.issuer,
      ledger: { ...deps.notary.binding },
      records: subject.records.map((r) => r.id),
      entries: archive.entries,
    };
    const recordId = await archive.seal(
      manifest,
      async (manifestSha256) => {
        const { id, receipt } = await deps.notary.submit({
          input: {
            kind: "export",
            metadata: {
              manifestSha256,
              entries: archive.entries.length,
              records: subject.records.length,
              filters: { bundle: subject.name },
              requestedBy: requestedBy.name,
            },
            links: [],
          },
          files: [],
          submitter: requestedBy,
        });
        return { receipt, result: id };
      },
      "bundle-receipt.json",
    );
    return { recordId };
  } catch (error) {
    archive.abort();
    throw error;
  }
}

/** The longest file name, in UTF-8 bytes, a bundle entry carries: under NAME_MAX (255). */
const MAX_ENTRY_NAME_BYTES = 240;

/**
 * The names the record's files take in the bundle: as notarised where they fit a file system's
 * limit, else shortened (the extension kept, `~N` added) and still unique. A verifier matches
 * files by their SHA-256, never by name, and the receipt keeps each file's notarised name.
 */
export function entryNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const bytes = (s: string) => Buffer.byteLength(s, "utf8");
    let entry = name;
    for (let n = 1; bytes(entry) > MAX_ENTRY_NAME_BYTES || used.has(entry); n++) {
      const dot = name.lastIndexOf(".");
      const ext = dot > 0 && bytes(name.slice(dot)) <= 16 ? name.slice(dot) : "";
      const mark = `~${n}`;
      let stem = [...name.slice(0, name.length - ext.length)];
      while (stem.length > 0 && bytes(stem.join("") + mark + ext) > MAX_ENTRY_NAME_BYTES)
        stem = stem.slice(0, -1);
      entry = stem.join("") + mark + ext;
    }
    used.add(entry);
    return entry;
  });
}

/** Every erasure of the bundled records, each naming the record it erased from. */
async function erasuresIn(deps: BundleDeps, records: readonly CanonicalRecord[]) {
  const out: (Omit<Erasure, "recordId"> & { recordId: string; erasureId: string })[] = [];
  for (const record of records)
    for (const e of (await deps.erasuresOf?.(record.id)) ?? [])
      out.push({ ...e, recordId: record.id, erasureId: e.recordId });
  return out;
}
