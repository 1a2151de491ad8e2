import { z } from "zod";
import { InvalidInputError } from "../errors";
import type { Submitter } from "../intake";
import {
  derivedRowsOf,
  parseCanonicalRecord,
  parseCommittedRecord,
  type TypedRecord,
} from "../records";
import type { Receipt } from "../receipts";
import type { ContentStore, LedgerStore, RecordIndex, StoredDisclosure } from "../storage";
import { linkedRecords } from "./linked-records";
import type { Notary } from "./notary";

export const ErasureRequest = z.strictObject({
  /** Fields to erase, as dot-joined paths (`notifier.idDocument`). */
  fields: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
  /** Files marked personal to erase, by name. With neither, everything personal still kept. */
  files: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
  reason: z.string().trim().min(1).max(2000),
  legalBasis: z.string().trim().min(1).max(500),
});
export type ErasureRequest = z.infer<typeof ErasureRequest>;

export interface Erased {
  erasureId: string;
  receipt: Receipt;
  digests: string[];
  fields: string[];
  files: { name: string; sha256: string }[];
  /** Files whose bytes another record still holds unerased (the same bytes, sent again). */
  filesHeldElsewhere: string[];
}

const fieldOf = (d: StoredDisclosure) => (JSON.parse(d.path) as (string | number)[]).join(".");
const under = (field: string, f: string) => field === f || field.startsWith(`${f}.`);

/**
 * Erases personal values of a record and the bytes of its files marked personal (DESIGN §7): an
 * `erasure` record naming their digests, why and on what basis is notarised first, then their
 * disclosures are deleted (the bytes made to leave the database files) and the files' bytes
 * deleted. The record keeps its digests, so its receipt, anchor and every proof still verify;
 * no one can disclose the values or serve the bytes any more. In that order, so a deletion is
 * never without its record: a crash between the two leaves an erasure notarised and the data
 * kept, which the audit names; the values a second request erases, the bytes the sweeper.
 */
export async function eraseValues(
  deps: { notary: Pick<Notary, "submit">; store: LedgerStore; files: Pick<ContentStore, "erase"> },
  recordId: string,
  request: ErasureRequest & { trigger: "request" | "keeping_period" },
  by: Submitter,
): Promise<Erased> {
  const stored = await deps.store.getRecord(recordId);
  if (!stored)
    throw new InvalidInputError("RECORD_NOT_FOUND", `no record ${recordId}`, {
      details: { id: recordId },
    });
  const kept = stored.disclosures;
  const everything = !request.fields && !request.files;
  const chosen = everything
    ? kept
    : kept.filter((d) => (request.fields ?? []).some((f) => under(fieldOf(d), f)));
  const unknown = (request.fields ?? []).filter((f) => !kept.some((d) => under(fieldOf(d), f)));
  if (unknown.length > 0)
    throw new InvalidInputError(
      "ERASURE_FIELD_UNKNOWN",
      `record ${recordId} keeps no value at ${unknown.join(", ")}; it keeps ${kept.map(fieldOf).join(", ") || "none"}`,
      { details: { unknown, kept: kept.map(fieldOf) } },
    );
  const record = parseCommittedRecord(stored.canonical);
  const erasedFiles = new Set(stored.files.filter((f) => f.erased_by).map((f) => f.position));
  const personal = record.files.filter((f, i) => f.personal && !erasedFiles.has(i));
  for (const name of request.files ?? []) {
    const file = record.files.find((f) => f.name === name);
    if (!file)
      throw new InvalidInputError(
        "ERASURE_FILE_UNKNOWN",
        `record ${recordId} has no file named ${JSON.stringify(name)}`,
        { details: { name, files: record.files.map((f) => f.name) } },
      );
    if (!file.personal)
      throw new InvalidInputError(
        "ERASURE_FILE_NOT_PERSONAL",
        `file ${JSON.stringify(name)} of record ${recordId} is not marked personal: it is evidence the record keeps; only files marked personal at intake (personalFiles, or a filing's identityProofFiles) can be erased`,
        { details: { name } },
      );
  }
  const files = (
    everything ? personal : personal.filter((f) => (request.files ?? []).includes(f.name))
  ).map((f) => ({ name: f.name, sha256: f.sha256 }));
  if (chosen.length === 0 && files.length === 0)
    throw new InvalidInputError(
      "NOTHING_TO_ERASE",
      `record ${recordId} keeps no personal value or personal file apart from it that the request names: it commits to none, every one is erased already, or it was taken in before records committed to them (evidence-record/v1)`,
      { details: { id: recordId } },
    );
  const digests = chosen.map((d) => d.digest);
  const fields = chosen.map(fieldOf);
  const { id, receipt } = await deps.notary.submit({
    input: {
      kind: "erasure",
      metadata: {
        digests,
        fields,
        ...(files.length > 0 && { files }),
        reason: request.reason,
        legalBasis: request.legalBasis,
        trigger: request.trigger,
        requestedBy: by.name,
      },
      links: [{ rel: "erases", id: recordId }],
    },
    files: [],
    submitter: by,
  });
  if (digests.length > 0) {
    const remaining = kept.filter((d) => !digests.includes(d.digest)).map((d) => d.disclosure);
    const { parties, terms } = derivedRowsOf(parseCanonicalRecord(stored.canonical, remaining));
    await deps.store.eraseDisclosures(recordId, digests, { parties, terms });
  }
  const unheld = await deps.store.eraseFiles(
    recordId,
    files.map((f) => f.sha256),
    id,
  );
  for (const sha256 of unheld) await deps.files.erase(sha256);
  return {
    erasureId: id,
    receipt,
    digests,
    fields,
    files,
    filesHeldElsewhere: files.filter((f) => !unheld.includes(f.sha256)).map((f) => f.name),
  };
}

/** Deletes bytes every record's copy of which is erased, left by a crash mid-erasure. */
export async function finishFileErasures(deps: {
  store: LedgerStore;
  files: Pick<ContentStore, "erase">;
}): Promise<number> {
  let deleted = 0;
  for (const sha256 of await deps.store.erasedFileDigests())
    if (await deps.files.erase(sha256)) deleted++;
  return deleted;
}

/** The erasures notarised for a record: which digests each erased, and when. */
export async function erasuresOf(
  store: RecordIndex,
  recordId: string,
): Promise<
  {
    recordId: string;
    at: string;
    digests: string[];
    fields: string[];
    files: { name: string; sha256: string }[];
  }[]
> {
  return (await linkedRecords(store, [recordId], "erases"))
    .map(({ record }) => record)
    .filter((r): r is Extract<TypedRecord, { kind: "erasure" }> => r.kind === "erasure")
    .map((r) => ({
      recordId: r.id,
      at: r.receivedAt,
      digests: r.metadata.digests,
      fields: r.metadata.fields,
      files: r.metadata.files ?? [],
    }));
}
