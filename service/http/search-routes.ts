import { Router } from "express";
import { z } from "zod";
import type { searchRecords } from "../notary";
import { allowRoles } from "./auth";
import { parseRecordFilters } from "./record-filters";

export const SEARCH_PAGING = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().min(0).optional(),
};

/** `GET /v1/records?…`: search for regulators and platforms, paginated by a seq cursor. */
export function searchRouter(
  search: (query: Parameters<typeof searchRecords>[1]) => ReturnType<typeof searchRecords>,
): Router {
  const router = Router();
  router.get("/records", allowRoles("regulator", "platform"), async (req, res) => {
    const { filters, extra: q } = parseRecordFilters(req.query, "SEARCH", SEARCH_PAGING);
    const { records, nextCursor } = await search({
      ...filters,
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
  });
  return router;
}
