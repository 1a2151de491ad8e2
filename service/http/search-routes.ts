import { Router } from "express";
import { z } from "zod";
import type { searchRecords } from "../notary";
import { allowRoles } from "./auth";
import { parseRecordFilters } from "./record-filters";

export const SEARCH_PAGING = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().min(0).optional(),
};

/**
 * `GET /v1/records?…`: search, paginated by a seq cursor. Regulators and platforms search the
 * ledger; a rights holder's or merchant's key searches the records it may read (those it
 * submitted, and those naming its parties), with the same filters.
 */
export function searchRouter(
  search: (query: Parameters<typeof searchRecords>[1]) => ReturnType<typeof searchRecords>,
): Router {
  const router = Router();
  router.get(
    "/records",
    allowRoles("regulator", "platform", "rights_holder", "merchant"),
    async (req, res) => {
      const { filters, extra: q } = parseRecordFilters(req.query, "SEARCH", SEARCH_PAGING);
      const key = req.apiKey!;
      const scoped = key.role === "rights_holder" || key.role === "merchant";
      const { records, nextCursor } = await search({
        ...filters,
        ...(scoped && { viewer: { keyId: key.id, parties: key.parties } }),
        afterSeq: q.cursor,
        limit: q.limit,
      });
      res.json({
        records: records.map((r) => ({
          id: r.id,
          seq: r.seq,
          kind: r.kind,
          receivedAt: r.received_at,
          batchIndex: r.batch_index,
          url: `/v1/records/${r.id}`,
        })),
        nextCursor,
      });
    },
  );
  return router;
}
