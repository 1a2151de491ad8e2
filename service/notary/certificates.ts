import { parseCommittedRecord, readStoredRecord } from "../records";
import { holdsPersonalData, type Entitlement, type Json } from "../disclosure";
import {
  certificateNumber,
  codeMatches,
  lookupCode,
  parseCertificateNumber,
  toCertificate,
  type CaptureFactsUnavailable,
  type CaptureFactsView,
  type Certificate,
  type LinkedRecord,
} from "../certificate";
import { NotFoundError } from "../errors";
import type { AnchoredReceipt } from "../receipts";
import type { BatchLog, RecordIndex } from "../storage";
import type { Notary } from "./notary";

/**
 * Finds the anchored receipt a printed certificate names, given its number and verification
 * code. An unknown number, a number that does not match its record, a wrong code and a record
 * not yet anchored all answer the same: the holder of a wrong code learns nothing of whether
 * the number exists.
 */
export async function lookUpCertificate(
  deps: { store: RecordIndex; notary: Pick<Notary, "getReceipt">; secret: Uint8Array },
  number: string,
  code: string,
): Promise<AnchoredReceipt> {
  const fail = () =>
    new NotFoundError(
      "CERTIFICATE_LOOKUP_FAILED",
      "no certificate has this number and verification code; check both as printed",
    );
  const parsed = parseCertificateNumber(number);
  if (!parsed) throw fail();
  const [row] = await deps.store.search({ afterSeq: parsed.seq - 1, limit: 1 });
  if (
    !row ||
    row.seq !== parsed.seq ||
    !row.leaf_hash.startsWith(parsed.leafPrefix) ||
    !codeMatches(deps.secret, row.id, code)
  )
    throw fail();
  const receipt = await deps.notary.getReceipt(row.id);
  if (receipt.status !== "anchored") throw fail();
  return receipt;
}

/**
 * The certificate of an anchored receipt as this service issues it: its verification code, and
 * a link (and QR code) that carries number and code to the verification page.
 */
export async function issueCertificate(
  receipt: AnchoredReceipt,
  o: {
    secret: Uint8Array;
    issuer: string;
    publicUrl: string;
    store: RecordIndex;
    /**
     * Where a capture's own file is read from, for its certificate's capture section, as the
     * certificate's reader may read it (a file marked personal: only with "all").
     */
    files?: CaptureFiles;
  },
): Promise<Certificate> {
  const code = lookupCode(o.secret, receipt.record.id);
  const number = certificateNumber(receipt.record.seq, receipt.leafHash);
  return toCertificate(receipt, {
    verifyUrl: `${o.publicUrl}/verify?certificate=${number}&code=${code}`,
    lookupCode: code,
    issuer: o.issuer,
    linked: await linkedRecords(o.store, receipt.record.links),
    ...(o.files && { capture: await captureFactsOf(receipt, o.files) }),
  });
}

/** A record's files as the certificate's reader may read them. */
export interface CaptureFiles {
  notary: Pick<Notary, "openFile">;
  reader: Entitlement;
}

/**
 * A file of a service capture, as its reader may read it: undefined for any other record or a
 * file it lacks; `withheld` for a file marked personal the reader may not be shown, `erased` for
 * one erased (its bytes may live on for another record that holds the same, not for this one).
 */
async function captureFile(
  receipt: AnchoredReceipt,
  files: CaptureFiles,
  name: string,
): Promise<Buffer | CaptureFactsUnavailable | undefined> {
  const { record } = receipt;
  const method = (record.metadata as { collection?: { method?: string } }).collection?.method;
  if (record.kind !== "evidence" || method !== "service_capture") return undefined;
  const file = record.files.find((f) => f.name === name);
  if (!file) return undefined;
  try {
    const { stream } = await files.notary.openFile(record.id, file.sha256, files.reader);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "FILE_PERSONAL") return { unavailable: "withheld" };
    if (code === "FILE_ERASED") return { unavailable: "erased" };
    // Missing bytes are the audit's to report (FILE_MISSING); the certificate shows the rest.
    if (code === "FILE_MISSING") return undefined;
    throw error;
  }
}

async function captureFactsOf(
  receipt: AnchoredReceipt,
  files: CaptureFiles,
): Promise<CaptureFactsView | CaptureFactsUnavailable | undefined> {
  const facts = await captureFile(receipt, files, "capture.json");
  return Buffer.isBuffer(facts) ? (JSON.parse(facts.toString("utf8")) as CaptureFactsView) : facts;
}

/** What a certificate's PDF shows besides its data: a capture's first screen. */
export async function certificateImages(
  receipt: AnchoredReceipt,
  files: CaptureFiles,
): Promise<{ firstScreen?: Buffer }> {
  const shot = await captureFile(receipt, files, "screenshot-first-screen.png");
  return Buffer.isBuffer(shot) ? { firstScreen: shot } : {};
}

/** The records a record links, as stored: numbers and digests only, no metadata. */
async function linkedRecords(
  store: RecordIndex,
  links: readonly { rel: string; id: string }[],
): Promise<LinkedRecord[]> {
  const linked: LinkedRecord[] = [];
  for (const link of links) {
    const row = await store.getRecordRow(link.id);
    if (!row) continue;
    const record = parseCommittedRecord(row.canonical);
    linked.push({
      rel: link.rel,
      recordId: row.id,
      seq: row.seq,
      // As receipts write it: 0x-hex.
      leafHash: row.leaf_hash.startsWith("0x") ? row.leaf_hash : `0x${row.leaf_hash}`,
      files: record.files.map((f) => ({
        ...((f as { personal?: boolean }).personal ? {} : { name: f.name }),
        sha256: f.sha256,
        size: f.size,
      })),
    });
  }
  return linked;
}

/**
 * Where anyone verifies each of these records: for an anchored record, its certificate lookup
 * (number and code: whoever is shown the link may check the record in the browser); before
 * that, the record's id on the verification page.
 */
export async function verifyLinks(
  store: RecordIndex & Pick<BatchLog, "getBatch">,
  o: { publicUrl: string; secret: Uint8Array },
  ids: Iterable<string>,
): Promise<(id: string) => string> {
  const found = new Map<string, string>();
  for (const id of new Set(ids)) {
    const row = await store.getRecordRow(id);
    const batch = row?.batch_index == null ? undefined : await store.getBatch(row.batch_index);
    // WARNING: a lookup code hands its holder the record as committed, with no disclosure. A
    // v2 record commits to its personal values (DESIGN §7), so its link may carry one; a v1
    // record holds them in the clear, so its link carries one only if it holds none, and opens
    // the verification page without its receipt otherwise.
    const record = row && readStoredRecord(row);
    if (
      record &&
      record.format === "evidence-record/v1" &&
      holdsPersonalData(record.kind, record.metadata as Json)
    )
      continue;
    if (row && batch?.status === "anchored")
      found.set(
        id,
        `${o.publicUrl}/verify?certificate=${certificateNumber(row.seq, row.leaf_hash)}&code=${lookupCode(o.secret, id)}`,
      );
  }
  return (id) => found.get(id) ?? `${o.publicUrl}/verify?record=${id}`;
}
