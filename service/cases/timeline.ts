import type { CanonicalRecord } from "../records";
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
  notice: CanonicalRecord;
  /** Actions that concern the notice or a counter-notice answering it. */
  actions: CanonicalRecord[];
  counterNotices: CanonicalRecord[];
}

export interface TimelineOptions {
  jurisdiction: Jurisdiction;
  calendar: WorkingCalendar;
  now: Date;
  /** "In time" for forwarding and measures, in working days (our reading of art. 42-43). */
  inTimeWorkingDays: number;
}

const MEASURES = new Set(["takedown", "block", "delink", "terminate_transactions"]);
const timeOf = (r: CanonicalRecord) =>
  new Date((r.metadata as { effectiveAt?: string }).effectiveAt ?? r.receivedAt);
const typeOf = (r: CanonicalRecord) => (r.metadata as { type?: string }).type;
const iso = (d: Date) => d.toISOString();

/**
 * The notarised timeline of one case and the time rules it is held to (DOMAIN.md): each step
 * done in time, late, early, missing, or still pending. Pure: records, calendar and "now" in.
 */
export function buildTimeline(c: CaseRecords, o: TimelineOptions): TimelineStep[] {
  const steps: TimelineStep[] = [];
  const t0 = new Date(c.notice.receivedAt);
  steps.push({
    step: "notice received",
    state: "done",
    rule: "E-Commerce Law art. 42",
    recordId: c.notice.id,
    at: c.notice.receivedAt,
  });
  const first = (pred: (a: CanonicalRecord) => boolean) =>
    c.actions.filter(pred).sort((a, b) => timeOf(a).getTime() - timeOf(b).getTime())[0];
  const deadline = (
    from: Date,
    step: string,
    rule: string,
    action: CanonicalRecord | undefined,
    earliest?: Date,
  ) => {
    const due = o.calendar.addWorkingDays(from, o.inTimeWorkingDays);
    if (action) {
      const at = timeOf(action);
      const state: StepState = earliest && at < earliest ? "early" : at > due ? "late" : "done";
      steps.push({ step, state, rule, recordId: action.id, at: iso(at), due: iso(due) });
    } else steps.push({ step, state: o.now > due ? "missing" : "pending", rule, due: iso(due) });
  };

  if (o.jurisdiction !== "DMCA") {
    deadline(
      t0,
      "notice forwarded to the merchant",
      "E-Commerce Law art. 42: forward in time",
      first((a) => typeOf(a) === "forward_notice"),
    );
  }
  deadline(
    t0,
    "necessary measures taken",
    o.jurisdiction === "DMCA"
      ? "DMCA 512(c)(1)(C): expeditiously"
      : "E-Commerce Law art. 42: measures in time",
    first((a) => MEASURES.has(typeOf(a) ?? "")),
  );

  const counter = [...c.counterNotices].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
  if (counter) {
    const td = new Date(counter.receivedAt);
    steps.push({
      step: "declaration (counter-notice) received",
      state: "done",
      rule: "E-Commerce Law art. 43",
      recordId: counter.id,
      at: counter.receivedAt,
    });
    const restore = first((a) => typeOf(a) === "restore");
    if (o.jurisdiction === "DMCA") {
      // Restore no sooner than 10 and no later than 14 business days after the counter-notice.
      const earliest = o.calendar.addWorkingDays(td, 10);
      const latest = o.calendar.addWorkingDays(td, 14);
      if (restore) {
        const at = timeOf(restore);
        steps.push({
          step: "material restored",
          state: at < earliest ? "early" : at > latest ? "late" : "done",
          rule: "DMCA 512(g)(2)(C): 10-14 business days",
          recordId: restore.id,
          at: iso(at),
          due: iso(latest),
        });
      } else
        steps.push({
          step: "material restored",
          state: o.now > latest ? "missing" : "pending",
          rule: "DMCA 512(g)(2)(C): 10-14 business days",
          due: iso(latest),
        });
    } else {
      const forward = first((a) => typeOf(a) === "forward_declaration");
      deadline(
        td,
        "declaration forwarded to the rights holder",
        "E-Commerce Law art. 43: forward in time",
        forward,
      );
      if (forward) {
        // 15 days from the declaration's arrival at the rights holder; then measures end in time.
        const waitEnds = new Date(timeOf(forward).getTime() + 15 * 86_400_000);
        steps.push({
          step: "15-day wait for a complaint or lawsuit",
          state: o.now > waitEnds ? "done" : "pending",
          rule: "E-Commerce Law art. 43: 15 days",
          at: iso(timeOf(forward)),
          due: iso(waitEnds),
          note: "delays for notarisation or authentication outside the rights holder's control do not count, up to 20 working days (法释〔2020〕9号 art. 3)",
        });
        deadline(
          waitEnds,
          "measures ended (restored)",
          "E-Commerce Law art. 43: end measures in time after 15 days",
          restore,
          waitEnds,
        );
      }
    }
  }

  if (o.jurisdiction === "CN") {
    const published = first((a) => typeOf(a) === "publish_result");
    steps.push(
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
  }
  if (o.jurisdiction === "DSA") {
    const decision = first((a) => MEASURES.has(typeOf(a) ?? "") || typeOf(a) === "restore");
    if (decision) {
      const open = new Date(timeOf(decision).getTime());
      open.setUTCMonth(open.getUTCMonth() + 6);
      steps.push({
        step: "complaint window",
        state: o.now > open ? "done" : "pending",
        rule: "DSA art. 20: complaints for at least 6 months",
        recordId: decision.id,
        due: iso(open),
      });
    }
  }
  return steps;
}
