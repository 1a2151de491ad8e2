import type { RecordOf, TypedRecord } from "../records";

type Action = RecordOf<"action">;
import type { WorkingCalendar } from "./calendar";

export type Jurisdiction = "CN" | "DMCA" | "DSA";

export type StepState = "done" | "late" | "early" | "missing" | "pending";

export interface TimelineStep {
  step: string;
  state: StepState;
  /** The rule the step answers to. */
  rule: string;
  recordId?: string;
  at?: string;
  due?: string;
  note?: string;
}

export interface CaseRecords {
  notice: RecordOf<"notice">;
  /** Actions that concern the notice or a counter-notice answering it. */
  actions: Action[];
  counterNotices: RecordOf<"counter_notice">[];
}

export interface TimelineOptions {
  jurisdiction: Jurisdiction;
  calendar: WorkingCalendar;
  now: Date;
  /** "In time" for forwarding and measures, in working days (our reading of art. 42-43). */
  inTimeWorkingDays: number;
}

const MEASURES = new Set(["takedown", "block", "delink", "terminate_transactions"]);
/** When an action took effect, as the platform notarised it; other records when received. */
const timeOf = (r: TypedRecord) =>
  new Date(r.kind === "action" ? r.metadata.effectiveAt : r.receivedAt);
const typeOf = (a: Action) => a.metadata.type;
const iso = (d: Date) => d.toISOString();

/** What every profile needs: the case, the options, and the steps found so far. */
class Timeline {
  readonly steps: TimelineStep[] = [];
  readonly noticeAt: Date;
  /** The first counter-notice (declaration; under the DSA, the complaint). */
  readonly counter: RecordOf<"counter_notice"> | undefined;

  constructor(
    readonly c: CaseRecords,
    readonly o: TimelineOptions,
  ) {
    this.noticeAt = new Date(c.notice.receivedAt);
    this.counter = [...c.counterNotices].sort((a, b) =>
      a.receivedAt.localeCompare(b.receivedAt),
    )[0];
  }

  /** The earliest action of the case that `pred` accepts. */
  first(pred: (a: Action) => boolean): Action | undefined {
    return this.c.actions.filter(pred).sort((a, b) => timeOf(a).getTime() - timeOf(b).getTime())[0];
  }

  received(step: string, rule: string, record: TypedRecord): void {
    this.steps.push({ step, state: "done", rule, recordId: record.id, at: record.receivedAt });
  }

  /** A step due `IN_TIME_WORKING_DAYS` after `from`, done by `action` if there is one. */
  inTime(
    from: Date,
    step: string,
    rule: string,
    action: Action | undefined,
    earliest?: Date,
  ): void {
    this.window(
      step,
      rule,
      action,
      this.o.calendar.addWorkingDays(from, this.o.inTimeWorkingDays),
      earliest,
    );
  }

  /** A step due by `due` (and not before `earliest`), done by `action` if there is one. */
  window(
    step: string,
    rule: string,
    action: TypedRecord | undefined,
    due: Date,
    earliest?: Date,
  ): void {
    if (action) {
      const at = timeOf(action);
      const state: StepState = earliest && at < earliest ? "early" : at > due ? "late" : "done";
      this.steps.push({ step, state, rule, recordId: action.id, at: iso(at), due: iso(due) });
    } else
      this.steps.push({
        step,
        state: this.o.now > due ? "missing" : "pending",
        rule,
        due: iso(due),
      });
  }
}

/**
 * The notarised timeline of one case and the time rules it is held to (DOMAIN.md): each step
 * done in time, late, early, missing, or still pending. Pure: records, calendar and "now" in.
 * Each jurisdiction profile names only its own rules.
 */
export function buildTimeline(c: CaseRecords, o: TimelineOptions): TimelineStep[] {
  const t = new Timeline(c, o);
  PROFILES[o.jurisdiction](t);
  return t.steps;
}

const PROFILES: Record<Jurisdiction, (t: Timeline) => void> = {
  /** E-Commerce Law arts. 42-44 and the SPC reply 法释〔2020〕9号. */
  CN(t) {
    t.received("notice received", "E-Commerce Law art. 42", t.c.notice);
    t.inTime(
      t.noticeAt,
      "notice forwarded to the merchant",
      "E-Commerce Law art. 42: forward in time",
      t.first((a) => typeOf(a) === "forward_notice"),
    );
    t.inTime(
      t.noticeAt,
      "necessary measures taken",
      "E-Commerce Law art. 42: measures in time",
      t.first(isMeasure),
    );
    if (t.counter) {
      t.received("declaration (counter-notice) received", "E-Commerce Law art. 43", t.counter);
      const forward = t.first((a) => typeOf(a) === "forward_declaration");
      t.inTime(
        new Date(t.counter.receivedAt),
        "declaration forwarded to the rights holder",
        "E-Commerce Law art. 43: forward in time",
        forward,
      );
      if (forward) {
        // 15 days from the declaration's arrival at the rights holder, plus excluded delays.
        const wait = declarationWait(timeOf(forward), t.c.actions, t.o.calendar);
        const complaint = t.first((a) => typeOf(a) === "complaint_or_lawsuit_notified");
        const complaintInTime = complaint !== undefined && timeOf(complaint) <= wait.ends;
        t.steps.push(...wait.delays, {
          step: "15-day wait for a complaint or lawsuit",
          state: complaintInTime || t.o.now > wait.ends ? "done" : "pending",
          rule: "E-Commerce Law art. 43: 15 days",
          at: iso(timeOf(forward)),
          due: iso(wait.ends),
          ...(wait.excludedMs > 0 && {
            note: `15 days and ${days(wait.excludedMs)} of excluded delays`,
          }),
        });
        if (complaint)
          t.window(
            "complaint or lawsuit notified",
            "E-Commerce Law art. 43: within 15 days, measures then stay",
            complaint,
            wait.ends,
          );
        if (!complaintInTime)
          t.inTime(
            wait.ends,
            "measures ended (restored)",
            "E-Commerce Law art. 43: end measures in time after 15 days",
            t.first((a) => typeOf(a) === "restore"),
            wait.ends,
          );
      }
    }
    const published = t.first((a) => typeOf(a) === "publish_result");
    t.steps.push(
      published
        ? {
            step: "result published",
            state: "done",
            rule: "E-Commerce Law art. 44",
            recordId: published.id,
            at: iso(timeOf(published)),
          }
        : {
            step: "result published",
            state: "missing",
            rule: "E-Commerce Law art. 44: publish in time",
          },
    );
  },

  /** 17 U.S.C. 512(c) and (g). */
  DMCA(t) {
    t.received("notice received", "DMCA 512(c)(3)", t.c.notice);
    const removal = t.first(isMeasure);
    t.inTime(t.noticeAt, "necessary measures taken", "DMCA 512(c)(1)(C): expeditiously", removal);
    if (removal)
      t.inTime(
        timeOf(removal),
        "subscriber notified of the removal",
        "DMCA 512(g)(2)(A): promptly",
        t.first((a) => typeOf(a) === "forward_notice"),
      );
    if (!t.counter) return;
    const at = new Date(t.counter.receivedAt);
    t.received("counter-notice received", "DMCA 512(g)(3)", t.counter);
    t.inTime(
      at,
      "counter-notice forwarded to the complainant",
      "DMCA 512(g)(2)(B): promptly",
      t.first((a) => typeOf(a) === "forward_declaration"),
    );
    // Restore no sooner than 10 and no later than 14 business days after the counter-notice,
    // unless the complainant has sued.
    const suit = t.first((a) => typeOf(a) === "complaint_or_lawsuit_notified");
    const earliest = t.o.calendar.addWorkingDays(at, 10);
    if (suit && timeOf(suit) < earliest)
      return t.window(
        "action filed by the complainant",
        "DMCA 512(g)(2)(C): material stays down",
        suit,
        earliest,
      );
    t.window(
      "material restored",
      "DMCA 512(g)(2)(C): 10-14 business days",
      t.first((a) => typeOf(a) === "restore"),
      t.o.calendar.addWorkingDays(at, 14),
      earliest,
    );
  },

  /** Regulation (EU) 2022/2065 arts. 16, 17 and 20. */
  DSA(t) {
    t.received("notice received", "DSA art. 16", t.c.notice);
    const decision = t.first(isMeasure);
    t.inTime(t.noticeAt, "decision on the notice", "DSA art. 16(6): in a timely manner", decision);
    if (decision) {
      const statement = decision.metadata.statement;
      t.steps.push({
        step: "statement of reasons",
        state: statement ? "done" : "missing",
        rule: "DSA art. 17(1): at the latest when the restriction is imposed",
        recordId: decision.id,
        at: iso(timeOf(decision)),
      });
      const closes = new Date(timeOf(decision).getTime());
      closes.setUTCMonth(closes.getUTCMonth() + 6);
      t.steps.push({
        step: "complaint window",
        state: t.o.now > closes ? "done" : "pending",
        rule: "DSA art. 20(1): complaints for at least 6 months",
        recordId: decision.id,
        due: iso(closes),
      });
      if (t.counter) {
        const at = new Date(t.counter.receivedAt);
        t.window(
          "complaint received",
          "DSA art. 20(1): within 6 months of the decision",
          t.counter,
          closes,
        );
        t.inTime(
          at,
          "complaint decided",
          "DSA art. 20(4): without undue delay",
          t.first((a) => timeOf(a) > at && !isForwarding(a)),
        );
      }
    }
  },
};

const isMeasure = (a: Action) => MEASURES.has(typeOf(a));
const isForwarding = (a: Action) =>
  typeOf(a) === "forward_notice" || typeOf(a) === "forward_declaration";

const EXCLUDED_CAP_WORKING_DAYS = 20;
const EXCLUDED_RULE = "法释〔2020〕9号 art. 3: excluded delays, at most 20 working days";
const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} days`;

/**
 * When the wait after a declaration ends: 15 days from its arrival at the rights holder, plus
 * the delays the platform accepted as outside the rights holder's control, counted once where
 * they overlap and 20 working days at most in all. A delay claimed beyond the cap, or begun after
 * the wait had ended, is flagged late with the part that counted.
 */
function declarationWait(
  arrived: Date,
  actions: readonly Action[],
  calendar: WorkingCalendar,
): { ends: Date; excludedMs: number; delays: TimelineStep[] } {
  const claimed = actions
    .flatMap((a) => {
      // The schema requires the period on exactly these actions.
      const period = typeOf(a) === "delay_excluded" ? a.metadata.excludedPeriod : undefined;
      return period
        ? [{ action: a, period, from: new Date(period.from), to: new Date(period.to) }]
        : [];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  let ends = new Date(arrived.getTime() + 15 * 86_400_000);
  let excludedMs = 0;
  let budget = EXCLUDED_CAP_WORKING_DAYS;
  let counted = arrived;
  const delays: TimelineStep[] = [];
  for (const { action, period, from: claimedFrom, to: claimedTo } of claimed) {
    const step = {
      step: `excluded delay (${period.cause})`,
      rule: EXCLUDED_RULE,
      recordId: action.id,
    };
    if (claimedFrom > ends) {
      delays.push({
        ...step,
        state: "late",
        at: period.from,
        due: iso(ends),
        note: "begins after the wait had ended: not counted",
      });
      continue;
    }
    const from = claimedFrom > counted ? claimedFrom : counted;
    const cap = calendar.addWorkingDays(from, budget);
    const to = claimedTo < cap ? claimedTo : cap;
    const ms = Math.max(0, to.getTime() - from.getTime());
    if (ms > 0) {
      budget -= calendar.workingDaysBetween(from, to);
      excludedMs += ms;
      ends = new Date(ends.getTime() + ms);
      counted = to;
    }
    delays.push({
      ...step,
      state: claimedTo > cap ? "late" : "done",
      at: period.from,
      due: iso(cap),
      note:
        claimedTo > cap
          ? `claimed until ${period.to}; ${days(ms)} counted, the rest is past the cap`
          : ms === 0
            ? "within a delay already counted"
            : `${days(ms)} not counted in the wait`,
    });
  }
  return { ends, excludedMs, delays };
}
