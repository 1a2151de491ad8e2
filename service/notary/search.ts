import {
  concernsViewer,
  hasTerms,
  isKind,
  readStoredRecord,
  partiesOf,
  searchTerm,
} from "../records";
import type { RecordIndex, RecordQuery, RecordTable } from "../storage";

/** Filings read to find a merchant's shops: a merchant with more is a platform's own shops. */
const MAX_FILINGS = 100;

/**
 * A page of records matching a query, and the cursor after it. The terms index proposes; each
 * record's canonical metadata disposes (see `hasTerms`), so pages are refilled from the index
 * when a proposal is refused.
 *
 * A merchant searched by its name or credit code is also found where it is named only by its
 * shop (a notice names the listings and shops it targets, not who runs them): its filings say
 * which shops are its, and records naming those shops match too.
 */
export async function searchRecords(
  store: RecordIndex,
  query: RecordQuery & { limit: number },
): Promise<{ records: RecordTable[]; nextCursor: number | null }> {
  const merchant = query.terms?.merchant;
  const alternatives =
    merchant === undefined
      ? [query.terms ?? {}]
      : [merchant, ...(await shopsOf(store, merchant))].map((m) => ({
          ...query.terms,
          merchant: m,
        }));
  const matched: RecordTable[] = [];
  for (let after = query.afterSeq ?? -1; ;) {
    const rows = await proposals(store, query, alternatives, after);
    for (const row of rows) {
      const record = readStoredRecord(row);
      if (
        alternatives.some((terms) => hasTerms(record, terms)) &&
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

/** The next rows after `after` any alternative proposes, in seq order, each once. */
async function proposals(
  store: RecordIndex,
  query: RecordQuery & { limit: number },
  alternatives: Partial<Record<string, string>>[],
  after: number,
): Promise<RecordTable[]> {
  const lists = await Promise.all(
    alternatives.map((terms) =>
      store.search({ ...query, terms, afterSeq: after, limit: query.limit + 1 }),
    ),
  );
  if (lists.length === 1) return lists[0]!;
  const bySeq = new Map<number, RecordTable>();
  for (const row of lists.flat()) bySeq.set(row.seq, row);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(0, query.limit + 1);
}

/** The shops a merchant's own filings name, as search terms. */
async function shopsOf(store: RecordIndex, merchant: string): Promise<string[]> {
  const filings = await store.search({
    kind: "filing",
    terms: { merchant },
    limit: MAX_FILINGS,
  });
  const shops = new Set<string>();
  for (const row of filings) {
    const filing = readStoredRecord(row);
    if (!isKind(filing, "filing")) continue;
    const names = [filing.metadata.merchant.legalName, filing.metadata.merchant.idDocument.number];
    // The index proposed it; the filing's own merchant decides, as for every search.
    if (names.some((n) => searchTerm("merchant", n) === merchant))
      shops.add(searchTerm("merchant", filing.metadata.shop.shopId));
  }
  shops.delete(merchant);
  return [...shops];
}
