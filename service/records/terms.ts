/** The fields regulators and platforms search records by. */
export const SEARCH_FIELDS = ["merchant", "rights_holder", "right_number", "listing_url"] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

interface Listingish {
  url?: string;
  merchant?: string;
}

/**
 * The searchable terms of a record's metadata: the merchants and rights holders it names, the
 * registration numbers of the rights it invokes or shows on goods, and the listings it locates. Names are kept as
 * written; matching is exact and case-insensitive (values are lower-cased).
 */
export function termsOf(
  kind: string,
  metadata: Record<string, unknown>,
): { field: SearchField; value: string }[] {
  const m = metadata as {
    notifier?: { legalName?: string };
    merchant?: { legalName?: string };
    party?: { legalName?: string };
    right?: { holder?: string; registrationNumber?: string };
    targets?: Listingish[];
    items?: Listingish[];
    goodsIp?: { listing: Listingish; shown: { registrationNumber: string; holder: string }[] }[];
  };
  const terms: { field: SearchField; value: string }[] = [];
  const add = (field: SearchField, value: string | undefined) => {
    if (value && value.trim()) terms.push({ field, value: value.trim().toLowerCase() });
  };
  add("rights_holder", m.notifier?.legalName);
  add("rights_holder", m.right?.holder);
  add("right_number", m.right?.registrationNumber);
  add("merchant", m.merchant?.legalName);
  if (kind === "commitment") add("merchant", m.party?.legalName);
  for (const { shown } of m.goodsIp ?? [])
    for (const right of shown) {
      add("right_number", right.registrationNumber);
      add("rights_holder", right.holder);
    }
  const goods = (m.goodsIp ?? []).map((g) => g.listing);
  for (const listing of [...(m.targets ?? []), ...(m.items ?? []), ...goods]) {
    add("listing_url", listing.url);
    add("merchant", listing.merchant);
  }
  const seen = new Set<string>();
  return terms.filter(
    (t) => !seen.has(`${t.field} ${t.value}`) && seen.add(`${t.field} ${t.value}`),
  );
}
