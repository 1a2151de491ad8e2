import type { TypedRecord } from "./typed";

/** The fields regulators and platforms search records by. */
export const SEARCH_FIELDS = ["merchant", "rights_holder", "right_number", "listing_url"] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

interface Listingish {
  url?: string;
  merchant?: string;
  shopId?: string;
}

/** A party as records name it: its name, its credit code or identity number, its shop. */
interface Partyish {
  legalName?: string;
  idDocument?: { number?: string };
  shopId?: string;
}

/** Query parameters that track a visit and never name a listing. */
const TRACKING_PARAMS = /^(utm_.*|spm|scm|fbclid|gclid)$/;

/**
 * A listing URL as it is indexed and searched: the same listing is written in many ways (scheme,
 * case, `www.`, a trailing slash, a fragment, tracking parameters such as Taobao's `spm`, the
 * order of parameters), and a regulator pasting any of them must find it. Parameters that do
 * name the item (`?id=…`) are kept. Text that is not a URL is only trimmed and lower-cased.
 */
export function normaliseListingUrl(written: string): string {
  const text = written.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return text.toLowerCase();
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return text.toLowerCase();
  const params = [...url.searchParams]
    .filter(([name]) => !TRACKING_PARAMS.test(name.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : "";
  const host = url.host.replace(/^www\./, "");
  const path = url.pathname.replace(/\/+$/, "");
  return `${host}${path}${query}`.toLowerCase();
}

/** A search value as the index holds it: trimmed, lower-cased, listing URLs normalised. */
export function searchTerm(field: SearchField, value: string): string {
  // NFKC folds full-width forms (ＡＢＣ, ｈｔｔｐｓ) and decomposed accents into what people type,
  // at index and at query alike.
  const folded = value.normalize("NFKC");
  return field === "listing_url" ? normaliseListingUrl(folded) : folded.trim().toLowerCase();
}

/**
 * Whether a record's own metadata yields every requested term (as `searchTerm` gives them).
 * Search finds candidates through the terms index; this decides, so a row inserted into the
 * index cannot make a record match.
 */
export function hasTerms(record: TypedRecord, wanted: Partial<Record<string, string>>): boolean {
  const entries = Object.entries(wanted).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return true;
  const own = new Set(termsOf(record).map((t) => `${t.field}\u0000${t.value}`));
  return entries.every(([field, value]) => own.has(`${field}\u0000${value}`));
}

/**
 * The searchable terms of a record's metadata: the merchants and rights holders it names, each
 * by its name, its credit code or identity number and its shops; the registration numbers of
 * the rights it invokes or shows on goods; and the listings it locates, under the merchant (by
 * shop) they belong to. Names are kept as written; matching is exact and case-insensitive,
 * listing URLs normalised.
 */
export function termsOf(
  record: Pick<TypedRecord, "kind" | "metadata">,
): { field: SearchField; value: string }[] {
  const terms: { field: SearchField; value: string }[] = [];
  const add = (field: SearchField, value: string | undefined) => {
    if (value && value.trim()) terms.push({ field, value: searchTerm(field, value) });
  };
  const party = (field: SearchField, p: Partyish | undefined) => {
    add(field, p?.legalName);
    add(field, p?.idDocument?.number);
    add(field, p?.shopId);
  };
  const listings = (list: readonly Listingish[]) => {
    for (const listing of list) {
      add("listing_url", listing.url);
      add("merchant", listing.merchant);
      add("merchant", listing.shopId);
    }
  };
  const r = record as TypedRecord;
  switch (r.kind) {
    case "notice":
      party("rights_holder", r.metadata.notifier);
      add("rights_holder", r.metadata.right?.holder);
      add("right_number", r.metadata.right?.registrationNumber);
      listings(r.metadata.targets ?? []);
      break;
    case "counter_notice":
      party("merchant", r.metadata.merchant);
      listings(r.metadata.items);
      break;
    case "filing":
      party("merchant", r.metadata.merchant);
      add("merchant", r.metadata.shop.shopId);
      for (const { shown } of r.metadata.goodsIp ?? [])
        for (const right of shown) {
          add("right_number", right.registrationNumber);
          add("rights_holder", right.holder);
        }
      listings((r.metadata.goodsIp ?? []).map((g) => g.listing));
      break;
    case "commitment":
      party("merchant", r.metadata.party);
      break;
    case "action":
      party("merchant", r.metadata.merchant);
      party("rights_holder", r.metadata.malice?.notifier);
      break;
    case "report":
      listings(r.metadata.listings ?? []);
      break;
    case "penalty_decision":
      party("merchant", r.metadata.merchant);
      break;
    case "mediation":
    case "evidence":
    case "activity":
    case "campaign":
    case "contact_directory":
    case "export":
    case "erasure":
      break;
    default:
      // Exhaustive: a new kind must say which of its fields are searchable.
      return r satisfies never;
  }
  const seen = new Set<string>();
  return terms.filter(
    (t) => !seen.has(`${t.field} ${t.value}`) && seen.add(`${t.field} ${t.value}`),
  );
}
