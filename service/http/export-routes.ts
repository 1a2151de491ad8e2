import { Router } from "express";
import { writeExport } from "../exports";
import type { Notary } from "../notary";
import type { FileStore, LedgerStore } from "../storage";
import { allowRoles } from "./auth";
import { parseRecordFilters } from "./record-filters";

/** `GET /v1/exports?…`: a regulator's export as a ZIP, streamed, its manifest notarised. */
export function exportRouter(store: LedgerStore, notary: Notary, files: FileStore): Router {
  const router = Router();
  router.get("/exports", allowRoles("regulator"), async (req, res) => {
    const { filters, given } = parseRecordFilters(req.query, "EXPORT", {});
    res
      .type("application/zip")
      .attachment(`evidence-export-${new Date().toISOString().replace(/[:.]/g, "-")}.zip`);
    await writeExport(
      store,
      notary,
      {
        filters,
        filterText: given,
        requestedBy: { keyId: req.apiKey!.id, name: req.apiKey!.name },
      },
      res,
      files.tempDir,
    );
  });
  return router;
}
