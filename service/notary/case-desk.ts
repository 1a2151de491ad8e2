import {
  buildTimeline,
  chinaCalendar,
  type CaseRecords,
  type DelayCapReading,
  type Jurisdiction,
  type TimelineStep,
} from "../cases";
import type { RecordIndex } from "../storage";
import { assembleCase } from "./case-records";
import { searchRecords } from "./search";

/** The time rules cases are held to (README, "Case timelines"). */
export interface CaseRules {
  holidays: readonly string[];
  workdays: readonly string[];
  calendarYears: readonly number[];
  inTimeWorkingDays: number;
  publicationWorkingDays: number;
  delayCap: DelayCapReading;
}

export interface CaseSummary {
  caseId: string;
  seq: number;
  receivedAt: string;
  overdue: { step: string; due: string | null; rule: string }[];
  next: { step: string; due: string; rule: string } | null;
  /** Pending steps with their due times, soonest first. */
  pending: { step: string; due: string; rule: string }[];
  flagged: number;
  url: string;
}

export interface CaseListQuery {
  status: "all" | "open" | "overdue" | "due-soon";
  jurisdiction: Jurisdiction;
  /** "Due soon": a pending step due within this many hours. */
  within: number;
  limit: number;
  cursor?: number;
  viewer?: { keyId: string; parties: readonly string[] };
}

/** Cases as a desk sees them: each notice's timeline, what is overdue and what is due next. */
export function makeCaseDesk(store: RecordIndex, rules: CaseRules) {
  const calendar = chinaCalendar({
    holidays: rules.holidays,
    workdays: rules.workdays,
    years: rules.calendarYears,
  });
  const timeline = (records: CaseRecords, jurisdiction: Jurisdiction, now: Date): TimelineStep[] =>
    buildTimeline(records, {
      jurisdiction,
      calendar,
      now,
      inTimeWorkingDays: rules.inTimeWorkingDays,
      publicationWorkingDays: rules.publicationWorkingDays,
      delayCap: rules.delayCap,
    });

  const summarise = (records: CaseRecords, seq: number, steps: TimelineStep[]): CaseSummary => {
    const pending = steps
      .filter((s) => s.state === "pending" && s.due !== undefined)
      .sort((a, b) => Date.parse(a.due!) - Date.parse(b.due!))
      .map((s) => ({ step: s.step, due: s.due!, rule: s.rule }));
    return {
      caseId: records.notice.id,
      seq,
      receivedAt: records.notice.receivedAt,
      overdue: steps
        .filter((s) => s.state === "missing")
        .map((s) => ({ step: s.step, due: s.due ?? null, rule: s.rule })),
      next: pending[0] ?? null,
      pending,
      flagged: steps.filter(
        (s) => s.state === "late" || s.state === "early" || s.state === "missing",
      ).length,
      url: `/v1/cases/${records.notice.id}`,
    };
  };

  /**
   * A page of cases matching `q.status`, in notice order after `q.cursor`. Pages of notices
   * are read until the page of cases is full: a status filter may skip many, so at most twenty
   * pages' worth are read per call, and the cursor says where to go on.
   */
  async function list(
    q: CaseListQuery,
  ): Promise<{ cases: CaseSummary[]; nextCursor: number | null }> {
    const now = new Date();
    const soon = now.getTime() + q.within * 3_600_000;
    const cases: CaseSummary[] = [];
    let cursor = q.cursor;
    for (let scanned = 0; cases.length < q.limit && scanned < 20 * q.limit;) {
      const { records: page } = await searchRecords(store, {
        kind: "notice",
        ...(cursor !== undefined && { afterSeq: cursor }),
        limit: q.limit,
        ...(q.viewer && { viewer: q.viewer }),
      });
      for (const notice of page) {
        cursor = notice.seq;
        scanned++;
        const records = await assembleCase(store, notice.id);
        if (!records) continue;
        const summary = summarise(records, notice.seq, timeline(records, q.jurisdiction, now));
        const keep =
          q.status === "all" ||
          (q.status === "open" && summary.pending.length > 0) ||
          (q.status === "overdue" && summary.overdue.length > 0) ||
          (q.status === "due-soon" && summary.pending.some((s) => Date.parse(s.due) <= soon));
        if (keep) cases.push(summary);
        if (cases.length >= q.limit) return { cases, nextCursor: cursor };
      }
      if (page.length < q.limit) return { cases, nextCursor: null };
    }
    return { cases, nextCursor: cursor ?? null };
  }

  /** Every pending step of every case due within `hours`, for deadline reminders. */
  async function* dueWithin(
    hours: number,
  ): AsyncGenerator<{ caseId: string; step: string; due: string }> {
    for (let cursor: number | null | undefined = undefined; cursor !== null;) {
      const page = await list({
        status: "due-soon",
        jurisdiction: "CN",
        within: hours,
        limit: 200,
        ...(cursor !== undefined && { cursor }),
      });
      const soon = Date.now() + hours * 3_600_000;
      for (const c of page.cases)
        for (const s of c.pending)
          if (Date.parse(s.due) <= soon) yield { caseId: c.caseId, step: s.step, due: s.due };
      cursor = page.nextCursor;
    }
  }

  return { timeline, list, dueWithin };
}
export type CaseDesk = ReturnType<typeof makeCaseDesk>;
