import { z } from "zod";
import { InvalidInputError } from "../errors";
import type { Submitter } from "../intake";
import { derivedRowsOf, parseCanonicalRecord, type TypedRecord } from "../records";
import type { Receipt } from "../receipts";
import type { LedgerStore, RecordIndex, StoredDisclosure } from "../storage";
import { linkedRecords } from "./linked-records";
import type { Notary } from "./notary";

export const ErasureRequest = z.strictObject({
  /** Fields to erase, as dot-joined paths (`notifier.idDocument`); every kept value if absent. */
  fields: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
  reason: z.string().trim().min(1).max(2000),
  legalBasis: z.string().trim().min(1).max(500),
});
export type ErasureRequest = z.infer<typeof ErasureRequest>;

export interface Erased {
  erasureId: string;
  receipt: Receipt;
  digests: string[];
  fields: string[];
}

const fieldOf = (d: StoredDisclosure) => (JSON.parse(d.path) as (string | number)[]).join(".");

/**
 * Erases personal values of a record (DESIGN §7): an `erasure` record naming their digests,
 * why and on what basis is notarised first, then their disclosures are deleted and the bytes
 * made to leave the files. The record keeps its digests, so its receipt, anchor and every
 * proof still verify; no one can disclose the values any more. In that order, so a deletion is
 * never without its record: a crash between the two leaves the values kept and an erasure
 * notarised, which the audit names and a second request completes.
 */
export async function eraseValues(
  deps: { notary: Pick<Notary, "submit">; store: LedgerStore },
  recordId: string,
  request: ErasureRequest & { trigger: "request" | "keeping_period" },
  by: Submitter,
): Promise<Erased> {
  const row = await deps.store.getRecordRow(recordId);
  if (!row)
    throw new InvalidInputError("RECORD_NOT_FOUND", `no record ${recordId}`, {
      details: { id: recordId },
    });
  const kept = row.disclosures;
  if (kept.length === 0)
    throw new InvalidInputError(
      "NOTHING_TO_ERASE",
      `record ${recordId} keeps no personal value apart from it: it commits to none, every one is erased already, or it was taken in before records committed to them (evidence-record/v1)`,
      { details: { id: recordId } },
    );
  const chosen = request.fields
    ? kept.filter((d) =>
        request.fields!.some((f) => fieldOf(d) === f || fieldOf(d).startsWith(`${f}.`)),
      )
    : kept;
  const unknown = (request.fields ?? []).filter(
    (f) => !kept.some((d) => fieldOf(d) === f || fieldOf(d).startsWith(`${f}.`)),
  );
  if (unknown.length > 0)
    throw new InvalidInputError(
      "ERASURE_FIELD_UNKNOWN",
      `record ${recordId} keeps no value at ${unknown.join(", ")}; it keeps ${kept.map(fieldOf).join(", ")}`,
      { details: { unknown, kept: kept.map(fieldOf) } },
    );
  const digests = chosen.map((d) => d.digest);
  const fields = chosen.map(fieldOf);
  const { id, receipt } = await deps.notary.submit({
    input: {
      kind: "erasure",
      metadata: {
        digests,
        fields,
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
  const remaining = kept.filter((d) => !digests.includes(d.digest)).map((d) => d.disclosure);
  const { parties, terms } = derivedRowsOf(parseCanonicalRecord(row.canonical, remaining));
  await deps.store.eraseDisclosures(recordId, digests, { parties, terms });
  return { erasureId: id, receipt, digests, fields };
}

/** The erasures notarised for a record: which digests each erased, and when. */
export async function erasuresOf(
  store: RecordIndex,
  recordId: string,
): Promise<{ recordId: string; at: string; digests: string[]; fields: string[] }[]> {
  return (await linkedRecords(store, [recordId], "erases"))
    .map(({ record }) => record)
    .filter((r): r is Extract<TypedRecord, { kind: "erasure" }> => r.kind === "erasure")
    .map((r) => ({
      recordId: r.id,
      at: r.receivedAt,
      digests: r.metadata.digests,
      fields: r.metadata.fields,
    }));
}
