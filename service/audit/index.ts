/** Audits for assessors and regulators: everything re-derived and compared with the chain. */
export {
  runAudit,
  type AuditCheck,
  type AuditDeps,
  type AuditReport,
  type Discrepancy,
} from "./audit";
export { renderAuditHtml } from "./html";
