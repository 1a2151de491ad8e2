import { Router } from "express";
import { retentionOf, type CaseRecords, type Jurisdiction } from "../cases";
import { z } from "zod";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import type { CaseDesk, Notary } from "../notary";
import { checkDeclarationElements, checkNoticeElements } from "../records";
import { parseRequest } from "./parse-request";

const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "DMCA", "DSA"];

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
export function caseRouter(deps: {
  notary: Pick<Notary, "assertReadable">;
  /** The case a notice opens (use case `assembleCase`), or undefined for no such notice. */
  caseRecords: (noticeId: string) => Promise<CaseRecords | undefined>;
  desk: CaseDesk;
}): Router {
  const router = Router();
  router.get("/cases", async (req, res) => {
    const q = parseRequest(CaseListQuery, req.query, "CASE_QUERY_INVALID");
    const key = req.apiKey!;
    if (key.role === "admin")
      throw new ForbiddenError("FORBIDDEN_ROLE", "an admin key manages keys and reads no cases");
    const scoped = key.role === "rights_holder" || key.role === "merchant";
    const page = await deps.desk.list({
      ...q,
      ...(scoped && { viewer: { keyId: key.id, parties: key.parties } }),
    });
    res.json({
      status: q.status,
      cases: page.cases.map(({ pending: _, ...summary }) => summary),
      nextCursor: page.nextCursor,
    });
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
    const steps = deps.desk.timeline(records, jurisdiction, new Date());
    res.json({
      caseId: notice.id,
      jurisdiction,
      steps,
      flagged: steps.filter(
        (s) => s.state === "late" || s.state === "early" || s.state === "missing",
      ).length,
      // What the formal review checks (GB/T 39550 4.3.1), as the service reads the notice.
      elements: checkNoticeElements(notice, jurisdiction),
      // And each declaration answering it (E-Commerce Law art. 43).
      declarations: records.counterNotices.map((c) => ({
        recordId: c.id,
        elements: checkDeclarationElements(c),
      })),
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
