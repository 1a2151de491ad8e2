import { Router } from "express";
import {
  buildTimeline,
  retentionOf,
  WorkingCalendar,
  type CaseRecords,
  type DelayCapReading,
  type Jurisdiction,
} from "../cases";
import { z } from "zod";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import type { Notary } from "../notary";
import { checkNoticeElements, issuesOf } from "../records";

const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "DMCA", "DSA"];

/** The time rules the service holds cases to (README, "Case timelines"). */
export interface CaseRules {
  holidays: readonly string[];
  inTimeWorkingDays: number;
  publicationWorkingDays: number;
  delayCap: DelayCapReading;
}

const CaseListQuery = z.strictObject({
  status: z.enum(["all", "open", "overdue", "due-soon"]).default("all"),
  jurisdiction: z.enum(["CN", "DMCA", "DSA"]).default("CN"),
  /** "Due soon": a pending step due within this many hours. */
  within: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(48),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().min(0).optional(),
});

/**
 * `GET /v1/cases/:noticeId?jurisdiction=CN|DMCA|DSA`: the notarised timeline of a case;
 * `GET /v1/cases?status=overdue|due-soon|open`: the cases to act on, each with its next due step
 * (a party's key lists the cases of notices it may read).
 */
export function caseRouter(
  deps: {
    notary: Pick<Notary, "assertReadable">;
    /** The case a notice opens (use case `assembleCase`), or undefined for no such notice. */
    caseRecords: (noticeId: string) => Promise<CaseRecords | undefined>;
    /** A page of notices in seq order after `afterSeq`, as the key may read them. */
    notices: (q: {
      afterSeq?: number;
      limit: number;
      viewer?: { keyId: string; parties: readonly string[] };
    }) => Promise<{ id: string; seq: number }[]>;
  } & CaseRules,
): Router {
  const router = Router();
  const calendar = new WorkingCalendar(deps.holidays);
  const timelineOf = (records: CaseRecords, jurisdiction: Jurisdiction, now: Date) =>
    buildTimeline(records, {
      jurisdiction,
      calendar,
      now,
      inTimeWorkingDays: deps.inTimeWorkingDays,
      publicationWorkingDays: deps.publicationWorkingDays,
      delayCap: deps.delayCap,
    });

  router.get("/cases", async (req, res) => {
    const parsed = CaseListQuery.safeParse(req.query);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      throw new InvalidInputError(
        "CASE_QUERY_INVALID",
        issues.map((i) => `${i.path || "query"}: ${i.message}`).join("; "),
        { details: { issues } },
      );
    }
    const q = parsed.data;
    const key = req.apiKey!;
    if (key.role === "admin")
      throw new ForbiddenError("FORBIDDEN_ROLE", "an admin key manages keys and reads no cases");
    const scoped = key.role === "rights_holder" || key.role === "merchant";
    const now = new Date();
    const soon = now.getTime() + q.within * 3_600_000;
    const cases: unknown[] = [];
    let cursor = q.cursor;
    // Pages of notices until a page of cases is full: a status filter may skip many.
    for (let scanned = 0; cases.length < q.limit && scanned < 20 * q.limit;) {
      const page = await deps.notices({
        ...(cursor !== undefined && { afterSeq: cursor }),
        limit: q.limit,
        ...(scoped && { viewer: { keyId: key.id, parties: key.parties } }),
      });
      for (const notice of page) {
        cursor = notice.seq;
        scanned++;
        const records = await deps.caseRecords(notice.id);
        if (!records) continue;
        const steps = timelineOf(records, q.jurisdiction, now);
        const pending = steps
          .filter((s) => s.state === "pending" && s.due !== undefined)
          .sort((a, b) => Date.parse(a.due!) - Date.parse(b.due!));
        const overdue = steps.filter((s) => s.state === "missing");
        const summary = {
          caseId: notice.id,
          seq: notice.seq,
          receivedAt: records.notice.receivedAt,
          overdue: overdue.map((s) => ({ step: s.step, due: s.due ?? null, rule: s.rule })),
          next: pending[0]
            ? { step: pending[0].step, due: pending[0].due, rule: pending[0].rule }
            : null,
          flagged: steps.filter(
            (s) => s.state === "late" || s.state === "early" || s.state === "missing",
          ).length,
          url: `/v1/cases/${notice.id}`,
        };
        const keep =
          q.status === "all" ||
          (q.status === "open" && pending.length > 0) ||
          (q.status === "overdue" && overdue.length > 0) ||
          (q.status === "due-soon" && pending.some((s) => Date.parse(s.due!) <= soon));
        if (keep) cases.push(summary);
        if (cases.length >= q.limit) break;
      }
      if (page.length < q.limit) {
        cursor = undefined;
        break;
      }
    }
    res.json({ status: q.status, cases, nextCursor: cursor ?? null });
  });
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
    const steps = timelineOf(records, jurisdiction, new Date());
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
