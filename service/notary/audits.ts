import { runAudit, type AuditDeps, type AuditReport } from "../audit";

/**
 * Audits on request. An audit re-reads the whole ledger and re-hashes every file: requests that
 * arrive while one runs share its report rather than starting another, so no key can multiply
 * that load.
 */
export function makeAudits(deps: AuditDeps): () => Promise<AuditReport> {
  let running: Promise<AuditReport> | undefined;
  return () =>
    (running ??= runAudit(deps).finally(() => {
      running = undefined;
    }));
}
