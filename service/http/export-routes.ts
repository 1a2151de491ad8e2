import { Router } from "express";
import { OverloadError } from "../errors";
import { writeExport } from "../exports";
import type { Notary } from "../notary";
import type { FileStore, LedgerStore } from "../storage";
import { allowRoles } from "./auth";
import { parseRecordFilters } from "./record-filters";

/** `GET /v1/exports?…`: a regulator's export as a ZIP, streamed, its manifest notarised. */
export function exportRouter(
  store: LedgerStore,
  notary: Notary,
  files: FileStore,
  maxConcurrent: number,
): Router {
  const router = Router();
  // Each export reads the whole selection: a bound keeps a burst of them from starving intake.
  let running = 0;
  router.get("/exports", allowRoles("regulator"), async (req, res) => {
    const { filters, given } = parseRecordFilters(req.query, "EXPORT", {});
    if (running >= maxConcurrent)
      throw new OverloadError(
        "EXPORTS_BUSY",
        `${running} exports are running, the most this service runs at once; retry later`,
      );
    running++;
    res.on("close", () => running--);
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
