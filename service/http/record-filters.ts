import { z } from "zod";
import { InvalidInputError } from "../errors";
import { issuesOf, LEDGER_KINDS, searchTerm, type SearchField } from "../records";
import type { RecordQuery } from "../storage";

/** The filters regulators select records by, shared by search and export. */
export const RECORD_FILTERS = {
  kind: z.enum(LEDGER_KINDS as [string, ...string[]]).optional(),
  merchant: z.string().min(1).max(300).optional(),
  rightsHolder: z.string().min(1).max(300).optional(),
  rightNumber: z.string().min(1).max(100).optional(),
  listingUrl: z.string().min(1).max(2_000).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

export type RecordFilters = Omit<RecordQuery, "afterSeq" | "limit">;

/**
 * Parses a query string of record filters plus `extra` parameters. Errors carry `<prefix>_…`
 * codes: UNKNOWN_FILTER, INVALID, REVERSED_RANGE.
 */
export function parseRecordFilters<E extends z.ZodRawShape>(
  query: Record<string, unknown>,
  prefix: "SEARCH" | "EXPORT",
  extra: E,
): { filters: RecordFilters; given: Record<string, string>; extra: z.infer<z.ZodObject<E>> } {
  const schema = z.strictObject({ ...RECORD_FILTERS, ...extra });
  const unknown = Object.keys(query).filter((k) => !(k in schema.shape));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `${prefix}_UNKNOWN_FILTER`,
      `unknown filter ${unknown.join(", ")}; filters: ${Object.keys(schema.shape).join(", ")}`,
    );
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new InvalidInputError(
      `${prefix}_INVALID`,
      `invalid filters: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      { details: { issues } },
    );
  }
  const q = parsed.data as Record<string, unknown> & {
    [K in keyof typeof RECORD_FILTERS]?: string;
  };
  const from = q.from ? new Date(q.from).toISOString() : undefined;
  const to = q.to ? new Date(q.to).toISOString() : undefined;
  if (from && to && from >= to)
    throw new InvalidInputError(
      `${prefix}_REVERSED_RANGE`,
      `from (${q.from}) must be before to (${q.to})`,
    );
  const terms = {
    merchant: q.merchant,
    rights_holder: q.rightsHolder,
    right_number: q.rightNumber,
    listing_url: q.listingUrl,
  };
  return {
    filters: {
      kind: q.kind,
      from,
      to,
      terms: Object.fromEntries(
        Object.entries(terms)
          .filter(([, v]) => v !== undefined)
          .map(([field, v]) => [field, searchTerm(field as SearchField, v!)]),
      ),
    },
    given: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    extra: parsed.data as z.infer<z.ZodObject<E>>,
  };
}
