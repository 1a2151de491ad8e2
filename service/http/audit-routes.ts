import { Router } from "express";
import { renderAuditHtml, type AuditReport } from "../audit";
import { InvalidInputError } from "../errors";
import { allowRoles } from "./auth";

/** `GET /v1/audit` for regulators (and platforms proving preservation): JSON or `?format=html`. */
export function auditRouter(audit: () => Promise<AuditReport>): Router {
  const router = Router();
  router.get("/audit", allowRoles("regulator", "platform"), async (req, res) => {
    const format = req.query.format ?? "json";
    if (format !== "json" && format !== "html")
      throw new InvalidInputError("AUDIT_FORMAT_INVALID", "format is json or html");
    const report = await audit();
    if (format === "html") res.type("html").send(renderAuditHtml(report));
    else res.json(report);
  });
  return router;
}
