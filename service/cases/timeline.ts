import {
  checkDeclarationElements,
  missingElements,
  type ActionType,
  type RecordOf,
  type TypedRecord,
} from "../records";
import { CalendarYearUnknown, type WorkingCalendar } from "./calendar";
import { DETERMINATIONS } from "./outcome";

type Action = RecordOf<"action">;

export type Jurisdiction = "CN" | "DMCA" | "DSA";

/**
 * `not-owed`: the law did not ask for the step in this case (a notice rejected on review or
 * found malicious owes no measures), shown so the reader sees why nothing was done.
 */
export type StepState =
  | "done"
  | "late"
  | "early"
  | "missing"
  | "pending"
  | "not-owed"
  /** Its deadline falls in a year whose holiday schedule is not known: none is guessed. */
  | "unknown";

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
  /** Malicious-notice flags on the notifier recorded before this notice (the register). */
  notifierFlags?: Action[];
  /** Notices sent again to supplement this one, after it was returned. */
  resubmissions?: RecordOf<"notice">[];
}

/**
 * How 法释〔2020〕9号 art. 3 caps delays outside the rights holder's control: the text
 * ("该期限最长不超过20个工作日") can be read as capping the excluded delay (the 15 days plus at
 * most 20 working days of delay) or the whole wait (at most 20 working days in all).
 */
export type DelayCapReading = "excluded-delay" | "whole-wait";

export interface TimelineOptions {
  jurisdiction: Jurisdiction;
  calendar: WorkingCalendar;
  now: Date;
  /** "In time" for forwarding and measures, in working days (our reading of art. 42-43). */
  inTimeWorkingDays: number;
  /** "In time" for publication under art. 44, in working days; inTimeWorkingDays if absent. */
  publicationWorkingDays?: number;
  delayCap?: DelayCapReading;
}

/** When an action took effect, as the platform notarised it; other records when received. */
const timeOf = (r: TypedRecord) =>
  new Date(r.kind === "action" ? r.metadata.effectiveAt : r.receivedAt);
const typeOf = (a: Action) => a.metadata.type;
/** When a forwarded notice or declaration reached its addressee: its delivery, else its sending. */
const arrivalOf = (a: Action) => new Date(a.metadata.deliveredAt ?? a.metadata.effectiveAt);
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
      () => this.o.calendar.addWorkingDays(from, this.o.inTimeWorkingDays),
      earliest,
    );
  }

  /** A step due by `due` (and not before `earliest`), done by `action` if there is one. */
  window(
    step: string,
    rule: string,
    action: TypedRecord | undefined,
    dueBy: Date | (() => Date),
    earliest?: Date,
  ): void {
    let due: Date;
    try {
      due = typeof dueBy === "function" ? dueBy() : dueBy;
    } catch (error) {
      if (!(error instanceof CalendarYearUnknown)) throw error;
      return this.unknown(step, rule, error, action);
    }
    if (action) {
      // Judged on the later of the time it states and the time it was recorded: a measure
      // recorded days after the date it claims cannot prove it was taken by then.
      const stated = timeOf(action);
      const recorded = new Date(action.receivedAt);
      const at = recorded > stated ? recorded : stated;
      const backdated =
        action.kind === "action" && recorded.getTime() - stated.getTime() > BACKDATED_MS
          ? {
              note: `recorded ${days(recorded.getTime() - stated.getTime())} after the time it states (${iso(stated)}): judged on when it was recorded`,
            }
          : {};
      if (action.kind === "action" && at < this.noticeAt) {
        // A measure dated before the notice it answers cannot be its answer: flagged.
        this.steps.push({
          step,
          state: "early",
          rule,
          recordId: action.id,
          at: iso(at),
          due: iso(due),
          note: "takes effect before the notice it answers was received",
        });
        return;
      }
      const state: StepState = earliest && at < earliest ? "early" : at > due ? "late" : "done";
      this.steps.push({
        step,
        state,
        rule,
        recordId: action.id,
        at: iso(at),
        due: iso(due),
        ...backdated,
      });
    } else
      this.steps.push({
        step,
        state: this.o.now > due ? "missing" : "pending",
        rule,
        due: iso(due),
      });
  }

  /** A step whose deadline cannot be computed: the calendar lacks its year. */
  unknown(step: string, rule: string, error: CalendarYearUnknown, action?: TypedRecord): void {
    this.steps.push({
      step,
      state: "unknown",
      rule,
      ...(action && { recordId: action.id, at: iso(timeOf(action)) }),
      note: error.message,
    });
  }

  /** A step the case does not owe, because of `why` (a review's finding, a malice flag). */
  notOwed(step: string, rule: string, why: Action, note: string): void {
    this.steps.push({
      step,
      state: "not-owed",
      rule,
      recordId: why.id,
      at: iso(timeOf(why)),
      note,
    });
  }

  /** A publication step (E-Commerce Law art. 44) due in time after `from`. */
  published(step: string, from: Date, type: ActionType): void {
    this.window(
      step,
      "E-Commerce Law art. 44: publish in time",
      this.first((a) => typeOf(a) === type && timeOf(a) >= from),
      () =>
        this.o.calendar.addWorkingDays(
          from,
          this.o.publicationWorkingDays ?? this.o.inTimeWorkingDays,
        ),
    );
  }
}

const isReview = (a: Action) => typeOf(a) === "formal_review" || typeOf(a) === "substantive_review";
const outcomeOf = (a: Action) => (isReview(a) ? a.metadata.review?.outcome : undefined);
/** Findings after which a notice is not a valid notice: nothing is owed on it. */
const REFUSALS = new Set(["rejected", "returned_for_supplement"]);

/**
 * The notarised timeline of one case and the time rules it is held to (DOMAIN.md): each step
 * done in time, late, early, missing, or still pending. Pure: records, calendar and "now" in.
 * Each jurisdiction profile names only its own rules.
 */
export function buildTimeline(c: CaseRecords, o: TimelineOptions): TimelineStep[] {
  const t = new Timeline(c, o);
  try {
    PROFILES[o.jurisdiction](t);
  } catch (error) {
    // A rule computed outside a step (the DMCA's earliest restoration) met an unknown year.
    if (!(error instanceof CalendarYearUnknown)) throw error;
    t.unknown("remaining steps", "the calendar", error);
  }
  return t.steps;
}

const PROFILES: Record<Jurisdiction, (t: Timeline) => void> = {
  /** E-Commerce Law arts. 42-44, the SPC reply 法释〔2020〕9号, GB/T 39550 4.3.2-4.3.3. */
  CN(t) {
    t.received("notice received", "E-Commerce Law art. 42", t.c.notice);
    t.published("notice published", t.noticeAt, "publish_notice");
    const flagged = (t.c.notifierFlags ?? []).filter((f) => timeOf(f) < t.noticeAt);
    if (flagged.length > 0)
      t.inTime(
        t.noticeAt,
        "substantive review at the raised threshold",
        "E-Commerce Law art. 42 ¶3, GB/T 39550 4.3.3.1 c: a notifier on the malicious-notifier register",
        t.first(
          (a) => typeOf(a) === "substantive_review" && a.metadata.review?.raisedThreshold === true,
        ),
      );
    // A notice refused on review, or found malicious, is not a notice the platform must act on.
    const refusal = t.first(
      (a) => REFUSALS.has(outcomeOf(a) ?? "") || typeOf(a) === "malicious_notice_flag",
    );
    const owed = (step: string, rule: string, action: Action | undefined) => {
      if (!action && refusal)
        return t.notOwed(
          step,
          rule,
          refusal,
          typeOf(refusal) === "malicious_notice_flag"
            ? "the notice was found malicious"
            : `the review found the notice ${outcomeOf(refusal)!.replaceAll("_", " ")}`,
        );
      t.inTime(t.noticeAt, step, rule, action);
    };
    owed(
      "notice forwarded to the merchant",
      "E-Commerce Law art. 42: forward in time",
      t.first((a) => typeOf(a) === "forward_notice"),
    );
    const measure = t.first(isMeasure);
    owed("necessary measures taken", "E-Commerce Law art. 42: measures in time", measure);
    // Ending measures when review finds no infringement is lawful at any time (GB/T 4.3.3.3).
    const cleared = t.first((a) => outcomeOf(a) === "no_infringement");
    const restore = t.first((a) => typeOf(a) === "restore");
    if (t.counter) {
      t.received("declaration (counter-notice) received", "E-Commerce Law art. 43", t.counter);
      const counterAt = new Date(t.counter.receivedAt);
      t.published("declaration published", counterAt, "publish_declaration");
      const forward = t.first((a) => typeOf(a) === "forward_declaration");
      t.inTime(
        counterAt,
        "declaration forwarded to the rights holder",
        "E-Commerce Law art. 43: forward in time",
        forward,
      );
      if (forward)
        t.steps.push({
          step: "rights holder told it may complain or sue",
          state: forward.metadata.remediesTold === true ? "done" : "missing",
          rule: "E-Commerce Law art. 43: forward and tell the rights holder it may complain to the authorities or sue",
          recordId: forward.id,
          at: iso(timeOf(forward)),
          ...(forward.metadata.remediesTold !== true && {
            note: "the forwarding does not record telling the rights holder (remediesTold)",
          }),
        });
      // Art. 43 lets a declaration end measures only with preliminary evidence of
      // non-infringement: one without it starts no wait, and measures stay.
      const lacking = missingElements(checkDeclarationElements(t.counter));
      const returnedDeclaration = t.first(
        (a) =>
          outcomeOf(a) === "returned_for_supplement" &&
          a.links.some((l) => l.rel === "concerns" && l.id === t.counter!.id),
      );
      const startsWait = !lacking.includes("evidence") && !returnedDeclaration;
      let wait: ReturnType<typeof declarationWait> | undefined;
      if (forward && !cleared && startsWait)
        try {
          wait = declarationWait(arrivalOf(forward), t.c.actions, t.o);
        } catch (error) {
          if (!(error instanceof CalendarYearUnknown)) throw error;
          t.unknown("15-day wait for a complaint or lawsuit", "E-Commerce Law art. 43", error);
        }
      if (forward && !cleared && !startsWait) {
        const reason = returnedDeclaration
          ? "the declaration was returned for supplement"
          : "the declaration carries no preliminary evidence of non-infringement";
        t.steps.push({
          step: "15-day wait for a complaint or lawsuit",
          state: "not-owed",
          rule: "E-Commerce Law art. 43: a declaration with preliminary evidence starts the wait",
          recordId: returnedDeclaration?.id ?? t.counter.id,
          at: iso(returnedDeclaration ? timeOf(returnedDeclaration) : arrivalOf(forward)),
          note: `${reason}: no wait starts, measures stay`,
        });
      } else if (forward && wait) {
        const complaint = t.first((a) => typeOf(a) === "complaint_or_lawsuit_notified");
        const complaintInTime = complaint !== undefined && timeOf(complaint) <= wait.ends;
        t.steps.push(...wait.delays, {
          step: "15-day wait for a complaint or lawsuit",
          state: complaintInTime || t.o.now > wait.ends ? "done" : "pending",
          rule: "E-Commerce Law art. 43: 15 days (Civil Code arts. 201, 203)",
          at: iso(arrivalOf(forward)),
          due: iso(wait.ends),
          note: [
            forward.metadata.deliveredAt
              ? "from the declaration's arrival at the rights holder"
              : "its arrival was not recorded (deliveredAt): counted from the forwarding",
            ...(wait.note ? [wait.note] : []),
          ].join("; "),
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
            restore,
            wait.ends,
          );
      }
    }
    if (measure && cleared)
      t.inTime(
        timeOf(cleared),
        "measures ended on a finding of no infringement",
        "GB/T 39550 4.3.3.3: end measures when review finds no infringement",
        t.first((a) => typeOf(a) === "restore" && timeOf(a) >= timeOf(cleared)),
      );
    // The outcome is published once there is one: the last measure, restoration or refusal.
    const outcome = [measure, restore, refusal, cleared]
      .filter((a): a is Action => a !== undefined)
      .sort((a, b) => timeOf(b).getTime() - timeOf(a).getTime())[0];
    if (outcome) t.published("result published", timeOf(outcome), "publish_result");
    else
      t.steps.push({
        step: "result published",
        state: "pending",
        rule: "E-Commerce Law art. 44: publish in time, once there is a result",
      });
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

const isMeasure = (a: Action) => DETERMINATIONS.has(typeOf(a));
const isForwarding = (a: Action) =>
  typeOf(a) === "forward_notice" || typeOf(a) === "forward_declaration";

const EXCLUDED_CAP_WORKING_DAYS = 20;
/** A measure recorded this long after the time it states is flagged as backdated. */
const BACKDATED_MS = 86_400_000;
const EXCLUDED_RULE = "法释〔2020〕9号 art. 3: excluded delays, at most 20 working days";
const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} days`;

/**
 * When the wait after a declaration ends: 15 days from its arrival at the rights holder,
 * counted as the Civil Code counts periods, plus the delays the platform accepted as outside
 * the rights holder's control, counted once where they overlap. The cap of 20 working days
 * applies to the excluded delays or to the whole wait, as the profile reads art. 3. A delay
 * claimed beyond the cap, or begun after the wait had ended, is flagged late with the part
 * that counted.
 */
function declarationWait(
  arrived: Date,
  actions: readonly Action[],
  o: Pick<TimelineOptions, "calendar" | "delayCap">,
): { ends: Date; note?: string; delays: TimelineStep[] } {
  const calendar = o.calendar;
  const wholeWait = o.delayCap === "whole-wait";
  const claimed = actions
    .flatMap((a) => {
      // The schema requires the period on exactly these actions.
      const period = typeOf(a) === "delay_excluded" ? a.metadata.excludedPeriod : undefined;
      return period
        ? [{ action: a, period, from: new Date(period.from), to: new Date(period.to) }]
        : [];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  // 法释〔2020〕9号 art. 3 excludes delays from the period itself: they are added to its end
  // by count, and Civil Code art. 203 (an end on a rest day moves to the next working day) is
  // applied once, to the end reached. Moving the base first and adding after would overshoot.
  const byCount = calendar.periodEndByCount(arrived, 15);
  const base = calendar.extendPastRestDays(byCount);
  let ends = byCount;
  let excludedMs = 0;
  let budget = wholeWait ? Infinity : EXCLUDED_CAP_WORKING_DAYS;
  let counted = arrived;
  const delays: TimelineStep[] = [];
  for (const { action, period, from: claimedFrom, to: claimedTo } of claimed) {
    const step = {
      step: `excluded delay (${period.cause})`,
      rule: EXCLUDED_RULE,
      recordId: action.id,
    };
    // The wait as it stands, its last day moved past rest days (what the rights holder had).
    const standing = ceilToLocalMidnight(ends, calendar);
    if (claimedFrom > standing) {
      delays.push({
        ...step,
        state: "late",
        at: period.from,
        due: iso(standing),
        note: "begins after the wait had ended: not counted",
      });
      continue;
    }
    const from = claimedFrom > counted ? claimedFrom : counted;
    const cap = wholeWait ? claimedTo : capOf(calendar, from, claimedTo, budget);
    const to = claimedTo < cap ? claimedTo : cap;
    const ms = Math.max(0, to.getTime() - from.getTime());
    if (ms > 0) {
      if (!wholeWait) budget -= calendar.workingDaysBetween(from, to);
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
  ends = excludedMs > 0 ? calendar.extendPastRestDays(ceilToLocalMidnight(ends, calendar)) : base;
  let note = excludedMs > 0 ? `15 days and ${days(excludedMs)} of excluded delays` : undefined;
  if (wholeWait) {
    const whole = calendar.periodEndInWorkingDays(arrived, EXCLUDED_CAP_WORKING_DAYS);
    if (ends > whole) {
      ends = whole > base ? whole : base;
      note = `${note ?? "15 days"}, capped at 20 working days in all (whole-wait reading of 法释〔2020〕9号 art. 3)`;
    }
  }
  return { ends, ...(note && { note }), delays };
}

/**
 * The latest a delay from `from` may run within `budget` working days. A cap in a year the
 * calendar does not know matters only to a delay that reaches it: one that ends within its
 * budget is capped by its own end.
 */
function capOf(calendar: WorkingCalendar, from: Date, claimedTo: Date, budget: number): Date {
  try {
    return calendar.addWorkingDays(from, budget);
  } catch (error) {
    if (
      error instanceof CalendarYearUnknown &&
      calendar.workingDaysBetween(from, claimedTo) <= budget
    )
      return claimedTo;
    throw error;
  }
}

/** A wait extended by excluded time ends at the end of the day it reaches (Civil Code art. 200). */
function ceilToLocalMidnight(at: Date, calendar: WorkingCalendar): Date {
  return calendar.periodEnd(new Date(at.getTime() - 1), 0);
}
