import type { CanonicalRecord } from "./canonical";
import type { TypedRecord } from "./typed";
import { partiesOf } from "./parties";
import { termsOf } from "./terms";

/**
 * The index rows a record's canonical form implies: its files, links, the parties it names and
 * its search terms. They are stored beside the record so queries need not parse every record,
 * but they are never the authority: the audit re-derives them with this function and reports
 * every difference, and access and downloads read the canonical record itself.
 */
export interface DerivedRows {
  files: { position: number; sha256: string; size: number; mediaType: string; name: string }[];
  links: { rel: string; targetId: string }[];
  parties: string[];
  terms: { field: string; value: string }[];
}

export function derivedRowsOf(record: TypedRecord): DerivedRows {
  return {
    files: record.files.map((f, position) => ({
      position,
      sha256: f.sha256,
      size: f.size,
      mediaType: f.mediaType,
      name: f.name,
    })),
    links: record.links.map((l) => ({ rel: l.rel, targetId: l.id })),
    parties: partiesOf(record.metadata),
    terms: termsOf(record),
  };
}

/** Whether a viewer known by these parties, or holding the submitting key, is concerned. */
export function concernsViewer(
  record: CanonicalRecord,
  viewer: { keyId: string; parties: readonly string[] },
): boolean {
  if (record.submitter.keyId === viewer.keyId) return true;
  const named = new Set(partiesOf(record.metadata));
  return viewer.parties.some((p) => named.has(p));
}
