import { Router } from "express";
import { runAudit, renderAuditHtml, type AuditReport } from "../audit";
import { InvalidInputError } from "../errors";
import type { FileStore, LedgerBinding, LedgerStore } from "../storage";
import type { ChainReader } from "../verify";
import { allowRoles } from "./auth";

export interface AuditRouteDeps {
  store: LedgerStore;
  files: FileStore;
  binding: LedgerBinding;
  chain: ChainReader;
}

/** `GET /v1/audit` for regulators (and platforms proving preservation): JSON or `?format=html`. */
export function auditRouter(deps: AuditRouteDeps): Router {
  const router = Router();
  // An audit re-reads the whole ledger and re-hashes every file: requests that arrive while one
  // runs share its report rather than starting another, so no key can multiply that load.
  let running: Promise<AuditReport> | undefined;
  const audit = () =>
    (running ??= runAudit(deps).finally(() => {
      running = undefined;
    }));
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
