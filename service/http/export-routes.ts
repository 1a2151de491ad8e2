import { Router } from "express";
import type { makeExports } from "../notary";
import { allowRoles } from "./auth";
import { parseRecordFilters } from "./record-filters";

/** `GET /v1/exports?…`: a regulator's export as a ZIP, streamed, its manifest notarised. */
export function exportRouter(startExport: ReturnType<typeof makeExports>): Router {
  const router = Router();
  router.get("/exports", allowRoles("regulator"), async (req, res) => {
    const { filters, given } = parseRecordFilters(req.query, "EXPORT", {});
    res
      .type("application/zip")
      .attachment(`evidence-export-${new Date().toISOString().replace(/[:.]/g, "-")}.zip`);
    await startExport(
      {
        filters,
        filterText: given,
        requestedBy: { keyId: req.apiKey!.id, name: req.apiKey!.name },
      },
      res,
    );
  });
  return router;
}
