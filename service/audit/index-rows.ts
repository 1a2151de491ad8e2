import type { DerivedRows } from "../records";

/** The index tables the audit re-derives from each canonical record. */
const TABLES = {
  files: { code: "RECORD_FILES_MISMATCH", table: "record_files" },
  links: { code: "RECORD_LINKS_MISMATCH", table: "record_links" },
  parties: { code: "RECORD_PARTIES_MISMATCH", table: "record_parties" },
  terms: { code: "RECORD_TERMS_MISMATCH", table: "record_terms" },
} as const;

export interface IndexDifference {
  code: (typeof TABLES)[keyof typeof TABLES]["code"];
  table: string;
  /** Rows stored that the canonical record does not imply (an insertion or an edit's new form). */
  unexpected: string[];
  /** Rows the canonical record implies that are not stored (a deletion or an edit's old form). */
  missing: string[];
}

/**
 * Compares the index rows stored for a record with those its canonical form implies, table by
 * table, as multisets of rows. Any edit, insertion or deletion shows up as a row unexpected,
 * missing, or both; order within a table does not matter but a file's position does.
 */
export function compareIndexRows(expected: DerivedRows, stored: DerivedRows): IndexDifference[] {
  const differences: IndexDifference[] = [];
  for (const key of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
    const want = expected[key].map((row) => JSON.stringify(row));
    const have = stored[key].map((row) => JSON.stringify(row));
    const unexpected = subtract(have, want);
    const missing = subtract(want, have);
    if (unexpected.length > 0 || missing.length > 0)
      differences.push({ ...TABLES[key], unexpected, missing });
  }
  return differences;
}

function subtract(from: string[], remove: string[]): string[] {
  const left = new Map<string, number>();
  for (const row of remove) left.set(row, (left.get(row) ?? 0) + 1);
  return from.filter((row) => {
    const n = left.get(row) ?? 0;
    if (n === 0) return true;
    left.set(row, n - 1);
    return false;
  });
}
