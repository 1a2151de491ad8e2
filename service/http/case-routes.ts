import { Router } from "express";
import {
  buildTimeline,
  retentionOf,
  WorkingCalendar,
  type CaseRecords,
  type Jurisdiction,
} from "../cases";
import { InvalidInputError, NotFoundError } from "../errors";
import type { Notary } from "../notary";

const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "DMCA", "DSA"];

/** `GET /v1/cases/:noticeId?jurisdiction=CN|DMCA|DSA`: the notarised timeline of a case. */
export function caseRouter(deps: {
  notary: Pick<Notary, "assertReadable">;
  /** The case a notice opens (use case `assembleCase`), or undefined for no such notice. */
  caseRecords: (noticeId: string) => Promise<CaseRecords | undefined>;
  holidays: readonly string[];
  inTimeWorkingDays: number;
}): Router {
  const router = Router();
  const calendar = new WorkingCalendar(deps.holidays);
  router.get("/cases/:id", async (req, res) => {
    const jurisdiction = String(req.query.jurisdiction ?? "CN").toUpperCase() as Jurisdiction;
    if (!JURISDICTIONS.includes(jurisdiction))
      throw new InvalidInputError(
        "CASE_JURISDICTION_INVALID",
        `jurisdiction is one of ${JURISDICTIONS.join(", ")}`,
      );
    await deps.notary.assertReadable(req.params.id, req.apiKey!);
    const records = await deps.caseRecords(req.params.id);
    if (!records)
      throw new NotFoundError(
        "CASE_NOT_FOUND",
        `a case is named by its notice's id; ${req.params.id} is not a notice`,
      );
    const notice = records.notice;
    const steps = buildTimeline(records, {
      jurisdiction,
      calendar,
      now: new Date(),
      inTimeWorkingDays: deps.inTimeWorkingDays,
    });
    res.json({
      caseId: notice.id,
      jurisdiction,
      steps,
      flagged: steps.filter(
        (s) => s.state === "late" || s.state === "early" || s.state === "missing",
      ).length,
      retention: retentionOf(records, jurisdiction) ?? null,
    });
  });
  return router;
}
