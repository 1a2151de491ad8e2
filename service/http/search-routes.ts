import { Router } from "express";
import { z } from "zod";
import { InvalidInputError } from "../errors";
import { LEDGER_KINDS, issuesOf } from "../records";
import type { LedgerStore } from "../storage";
import { allowRoles } from "./auth";

const SearchQuery = z.strictObject({
  kind: z.enum(LEDGER_KINDS as [string, ...string[]]).optional(),
  merchant: z.string().min(1).max(300).optional(),
  rightsHolder: z.string().min(1).max(300).optional(),
  rightNumber: z.string().min(1).max(100).optional(),
  listingUrl: z.string().min(1).max(2_000).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().min(0).optional(),
});

/** `GET /v1/records?…`: search for regulators and platforms, paginated by a seq cursor. */
export function searchRouter(store: LedgerStore): Router {
  const router = Router();
  router.get("/records", allowRoles("regulator", "platform"), async (req, res) => {
    const unknown = Object.keys(req.query).filter((k) => !(k in SearchQuery.shape));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        "SEARCH_UNKNOWN_FILTER",
        `unknown filter ${unknown.join(", ")}; filters: ${Object.keys(SearchQuery.shape).join(", ")}`,
      );
    }
    const parsed = SearchQuery.safeParse(req.query);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      throw new InvalidInputError(
        "SEARCH_INVALID",
        `invalid search: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        { details: { issues } },
      );
    }
    const q = parsed.data;
    const from = q.from ? new Date(q.from).toISOString() : undefined;
    const to = q.to ? new Date(q.to).toISOString() : undefined;
    if (from && to && from >= to)
      throw new InvalidInputError(
        "SEARCH_REVERSED_RANGE",
        `from (${q.from}) must be before to (${q.to})`,
      );
    const terms = {
      merchant: q.merchant,
      rights_holder: q.rightsHolder,
      right_number: q.rightNumber,
      listing_url: q.listingUrl,
    };
    const rows = await store.search({
      kind: q.kind,
      from,
      to,
      terms: Object.fromEntries(Object.entries(terms).filter(([, v]) => v !== undefined)),
      afterSeq: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    res.json({
      records: page.map((r) => ({
        id: r.id,
        seq: r.seq,
        kind: r.kind,
        receivedAt: r.received_at,
        batchIndex: r.batch_index,
        url: `/v1/records/${r.id}`,
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.seq : null,
    });
  });
  return router;
}
