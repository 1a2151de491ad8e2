import { Router } from "express";
import {
  buildTimeline,
  retentionOf,
  WorkingCalendar,
  type CaseRecords,
  type DelayCapReading,
  type Jurisdiction,
} from "../cases";
import { InvalidInputError, NotFoundError } from "../errors";
import type { Notary } from "../notary";
import { checkNoticeElements } from "../records";

const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "DMCA", "DSA"];

/** The time rules the service holds cases to (README, "Case timelines"). */
export interface CaseRules {
  holidays: readonly string[];
  inTimeWorkingDays: number;
  publicationWorkingDays: number;
  delayCap: DelayCapReading;
}

/** `GET /v1/cases/:noticeId?jurisdiction=CN|DMCA|DSA`: the notarised timeline of a case. */
export function caseRouter(
  deps: {
    notary: Pick<Notary, "assertReadable">;
    /** The case a notice opens (use case `assembleCase`), or undefined for no such notice. */
    caseRecords: (noticeId: string) => Promise<CaseRecords | undefined>;
  } & CaseRules,
): Router {
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
      publicationWorkingDays: deps.publicationWorkingDays,
      delayCap: deps.delayCap,
    });
    res.json({
      caseId: notice.id,
      jurisdiction,
      steps,
      flagged: steps.filter(
        (s) => s.state === "late" || s.state === "early" || s.state === "missing",
      ).length,
      // What the formal review checks (GB/T 39550 4.3.1), as the service reads the notice.
      elements: checkNoticeElements(notice, jurisdiction),
      resubmits: notice.links.find((l) => l.rel === "resubmits")?.id ?? null,
      resubmittedAs: records.resubmissions?.map((r) => r.id) ?? [],
      // The notifier's history on the malicious-notifier register, before this notice.
      notifierFlags: (records.notifierFlags ?? []).map((f) => ({
        recordId: f.id,
        at: f.metadata.effectiveAt,
        considerations: f.metadata.malice?.considerations.map((c) => c.consideration) ?? [],
      })),
      retention: retentionOf(records, jurisdiction) ?? null,
    });
  });
  return router;
}
