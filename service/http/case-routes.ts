import { Router } from "express";
import { buildTimeline, retentionOf, WorkingCalendar, type Jurisdiction } from "../cases";
import { InvalidInputError, NotFoundError } from "../errors";
import { linkedRecords, type Notary } from "../notary";
import { isKind, parseCanonicalRecord } from "../records";
import type { LedgerStore } from "../storage";

const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "DMCA", "DSA"];
const parse = (canonical: string) => parseCanonicalRecord(canonical);

/** `GET /v1/cases/:noticeId?jurisdiction=CN|DMCA|DSA`: the notarised timeline of a case. */
export function caseRouter(deps: {
  store: LedgerStore;
  notary: Notary;
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
    const stored = await deps.store.getRecord(req.params.id);
    if (!stored || stored.kind !== "notice")
      throw new NotFoundError(
        "CASE_NOT_FOUND",
        `a case is named by its notice's id; ${req.params.id} is not a notice`,
      );
    const notice = parse(stored.canonical);
    if (!isKind(notice, "notice"))
      throw new NotFoundError("CASE_NOT_FOUND", `${req.params.id} is not a notice`);
    // The link rules let only counter-notices answer and only actions concern.
    const counterNotices = (await linkedRecords(deps.store, [notice.id], "answers"))
      .map((r) => r.record)
      .filter((r) => isKind(r, "counter_notice"));
    const actions = (
      await linkedRecords(deps.store, [notice.id, ...counterNotices.map((c) => c.id)], "concerns")
    )
      .map((r) => r.record)
      .filter((r) => isKind(r, "action"));
    const unique = [...new Map(actions.map((a) => [a.id, a])).values()];
    const records = { notice, counterNotices, actions: unique };
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
