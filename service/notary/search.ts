import { concernsViewer, hasTerms, parseCanonicalRecord, partiesOf } from "../records";
import type { RecordIndex, RecordQuery, RecordTable } from "../storage";

/**
 * A page of records matching a query, and the cursor after it. The terms index proposes; each
 * record's canonical metadata disposes (see `hasTerms`), so pages are refilled from the index
 * when a proposal is refused.
 */
export async function searchRecords(
  store: RecordIndex,
  query: RecordQuery & { limit: number },
): Promise<{ records: RecordTable[]; nextCursor: number | null }> {
  const matched: RecordTable[] = [];
  for (let after = query.afterSeq ?? -1; ;) {
    const rows = await store.search({ ...query, afterSeq: after, limit: query.limit + 1 });
    for (const row of rows) {
      const record = parseCanonicalRecord(row.canonical);
      if (
        hasTerms(record, query.terms ?? {}) &&
        (query.party === undefined || partiesOf(record.metadata).includes(query.party)) &&
        (query.viewer === undefined || concernsViewer(record, query.viewer))
      )
        matched.push(row);
      if (matched.length > query.limit) {
        const records = matched.slice(0, query.limit);
        return { records, nextCursor: records[records.length - 1]!.seq };
      }
    }
    if (rows.length <= query.limit) return { records: matched, nextCursor: null };
    after = rows[rows.length - 1]!.seq;
  }
}
