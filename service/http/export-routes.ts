import { Router } from "express";
import { z } from "zod";
import { InvalidInputError } from "../errors";
import { writeExport } from "../exports";
import type { Notary } from "../notary";
import { issuesOf, LEDGER_KINDS } from "../records";
import type { LedgerStore } from "../storage";
import { allowRoles } from "./auth";

const ExportQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  kind: z.enum(LEDGER_KINDS as [string, ...string[]]).optional(),
  merchant: z.string().min(1).max(300).optional(),
  rightsHolder: z.string().min(1).max(300).optional(),
  rightNumber: z.string().min(1).max(100).optional(),
});

/** `GET /v1/exports?…`: a regulator's export as a ZIP, streamed, its manifest notarised. */
export function exportRouter(store: LedgerStore, notary: Notary): Router {
  const router = Router();
  router.get("/exports", allowRoles("regulator"), async (req, res) => {
    const unknown = Object.keys(req.query).filter((k) => !(k in ExportQuery.shape));
    if (unknown.length > 0)
      throw new InvalidInputError(
        "EXPORT_UNKNOWN_FILTER",
        `unknown filter ${unknown.join(", ")}; filters: ${Object.keys(ExportQuery.shape).join(", ")}`,
      );
    const parsed = ExportQuery.safeParse(req.query);
    if (!parsed.success)
      throw new InvalidInputError("EXPORT_INVALID", "invalid export filters", {
        details: { issues: issuesOf(parsed.error) },
      });
    const q = parsed.data;
    const from = q.from ? new Date(q.from).toISOString() : undefined;
    const to = q.to ? new Date(q.to).toISOString() : undefined;
    if (from && to && from >= to)
      throw new InvalidInputError(
        "EXPORT_REVERSED_RANGE",
        `from (${q.from}) must be before to (${q.to})`,
      );
    const terms = Object.fromEntries(
      Object.entries({
        merchant: q.merchant,
        rights_holder: q.rightsHolder,
        right_number: q.rightNumber,
      }).filter(([, v]) => v !== undefined),
    );
    res
      .type("application/zip")
      .attachment(`evidence-export-${new Date().toISOString().replace(/[:.]/g, "-")}.zip`);
    await writeExport(
      store,
      notary,
      {
        filters: { from, to, kind: q.kind, terms },
        filterText: Object.fromEntries(
          Object.entries(q)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, String(v)]),
        ),
        requestedBy: { keyId: req.apiKey!.id, name: req.apiKey!.name },
      },
      res,
    );
  });
  return router;
}
