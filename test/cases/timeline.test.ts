import { expect } from "chai";
import {
  buildTimeline,
  chinaCalendar,
  retentionOf,
  WorkingCalendar,
  type Jurisdiction,
  type TimelineStep,
} from "../../service/cases";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";
import { makeRecord } from "../support/records";
import { checkDeclarationElements, missingElements, type RecordOf } from "../../service/records";

const record = makeRecord;
const action = (type: string, effectiveAt: string) =>
  record("action", effectiveAt, { type, effectiveAt, statement: undefined });
/** A declaration with its preliminary evidence linked, as art. 43 asks. */
const declaration = (receivedAt: string): RecordOf<"counter_notice"> => ({
  ...record("counter_notice", receivedAt),
  links: [{ rel: "evidence", id: "00000000-0000-4000-8000-0000000000e1" }],
});
const states = (steps: TimelineStep[]) => Object.fromEntries(steps.map((s) => [s.step, s.state]));

describe("case timelines", () => {
  // 2026-03-02 is a Monday; 2026-03-04 is declared a holiday.
  const calendar = new WorkingCalendar(["2026-03-04"]);
  const options = (jurisdiction: Jurisdiction, now: string) => ({
    jurisdiction,
    calendar,
    now: new Date(now),
    inTimeWorkingDays: 3,
  });

  it("counts working days past weekends and holidays, in China's time zone", () => {
    expect(calendar.addWorkingDays(new Date("2026-03-02T02:00:00Z"), 3).toISOString()).to.equal(
      "2026-03-06T02:00:00.000Z",
    );
    expect(calendar.addWorkingDays(new Date("2026-03-06T02:00:00Z"), 1).toISOString()).to.equal(
      "2026-03-09T02:00:00.000Z",
    );
    expect(calendar.isWorkingDay(new Date("2026-03-04T02:00:00Z"))).to.equal(false);
  });

  it("holds a CN case to forwarding, measures, the 15-day wait, restoration and publication", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const counter = declaration("2026-03-10T02:00:00.000Z");
    const actions = [
      action("forward_notice", "2026-03-03T02:00:00.000Z"),
      action("takedown", "2026-03-12T02:00:00.000Z"), // more than 3 working days: late
      {
        ...action("forward_declaration", "2026-03-11T02:00:00.000Z"),
        metadata: {
          ...action("forward_declaration", "2026-03-11T02:00:00.000Z").metadata,
          remediesTold: true,
        },
      },
      action("restore", "2026-03-20T02:00:00.000Z"), // before the 15 days are over: early
    ];
    const steps = buildTimeline(
      { notice, counterNotices: [counter], actions },
      options("CN", "2026-05-01T00:00:00Z"),
    );
    expect(states(steps)).to.deep.equal({
      "notice received": "done",
      "notice published": "missing",
      "notice forwarded to the merchant": "done",
      "necessary measures taken": "late",
      "declaration (counter-notice) received": "done",
      "declaration published": "missing",
      "declaration forwarded to the rights holder": "done",
      "rights holder told it may complain or sue": "done",
      "15-day wait for a complaint or lawsuit": "done",
      "measures ended (restored)": "early",
      "result published": "missing",
    });
    expect(steps.find((s) => s.state === "late")!.rule).to.include("art. 42");
    // A forwarding that does not record telling the holder of its remedies lacks that element.
    const silent = buildTimeline(
      {
        notice,
        counterNotices: [counter],
        actions: actions.map((a) =>
          a.metadata.type === "forward_declaration"
            ? { ...a, metadata: { ...a.metadata, remediesTold: undefined } }
            : a,
        ),
      },
      options("CN", "2026-05-01T00:00:00Z"),
    );
    expect(silent.find((s) => s.step === "rights holder told it may complain or sue")).to.include({
      state: "missing",
      note: "the forwarding does not record telling the rights holder (remediesTold)",
    });
  });

  describe("what a CN case does not owe, and what it may do early", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const review = (type: string, outcome: string, at: string, extra: object = {}) =>
      record("action", at, {
        type,
        effectiveAt: at,
        statement: undefined,
        review: { outcome, ...extra },
      });
    const cn = (actions: RecordOf<"action">[], counter = false, more: object = {}) =>
      buildTimeline(
        {
          notice,
          counterNotices: counter ? [declaration("2026-03-05T02:00:00.000Z")] : [],
          actions,
          ...more,
        },
        options("CN", "2026-06-01T00:00:00Z"),
      );

    it("owes no forwarding or measures on a notice returned for supplement or found malicious", () => {
      const returned = cn([
        review("formal_review", "returned_for_supplement", "2026-03-03T02:00:00.000Z", {
          missing: [{ element: "evidence", reason: "no preliminary evidence" }],
        }),
      ]);
      expect(states(returned)).to.include({
        "notice forwarded to the merchant": "not-owed",
        "necessary measures taken": "not-owed",
        // The refusal is the outcome, and publishing it is owed.
        "result published": "missing",
      });
      expect(returned.find((s) => s.state === "not-owed")!.note).to.equal(
        "the review found the notice returned for supplement",
      );
      const malicious = cn([
        record("action", "2026-03-03T02:00:00.000Z", {
          type: "malicious_notice_flag",
          effectiveAt: "2026-03-03T02:00:00.000Z",
          statement: undefined,
          malice: {
            notifier: { legalName: "N", idDocument: { type: "passport", number: "E1" } },
            considerations: [{ consideration: "forged_proof_of_right", facts: "forged" }],
          },
        }),
      ]);
      expect(states(malicious)["necessary measures taken"]).to.equal("not-owed");
    });

    it("lets measures end before the 15 days when review finds no infringement (GB/T 4.3.3.3)", () => {
      const steps = cn(
        [
          action("takedown", "2026-03-03T02:00:00.000Z"),
          action("forward_declaration", "2026-03-06T02:00:00.000Z"),
          review("substantive_review", "no_infringement", "2026-03-09T02:00:00.000Z"),
          action("restore", "2026-03-10T02:00:00.000Z"),
        ],
        true,
      );
      expect(states(steps)).to.include({
        "measures ended on a finding of no infringement": "done",
      });
      expect(steps.some((s) => s.state === "early")).to.equal(false);
    });

    it("flags an action that takes effect before the notice it answers", () => {
      const steps = cn([action("takedown", "2026-03-01T02:00:00.000Z")]);
      const measure = steps.find((s) => s.step === "necessary measures taken")!;
      expect(measure.state).to.equal("early");
      expect(measure.note).to.include("before the notice");
    });

    it("asks a notifier on the malicious-notifier register for a review at the raised threshold", () => {
      const flag = record("action", "2026-02-01T02:00:00.000Z", {
        type: "malicious_notice_flag",
        effectiveAt: "2026-02-01T02:00:00.000Z",
        statement: undefined,
        malice: {
          notifier: { legalName: "N", idDocument: { type: "passport", number: "E1" } },
          considerations: [{ consideration: "repeated_erroneous_notices", facts: "12 of 12" }],
        },
      });
      const RAISED = "substantive review at the raised threshold";
      expect(states(cn([], false, { notifierFlags: [flag] }))[RAISED]).to.equal("missing");
      const reviewed = cn(
        [
          review("substantive_review", "infringement_likely", "2026-03-03T02:00:00.000Z", {
            raisedThreshold: true,
          }),
        ],
        false,
        { notifierFlags: [flag] },
      );
      expect(states(reviewed)[RAISED]).to.equal("done");
      expect(states(cn([]))).not.to.have.property(RAISED);
    });

    it("publishes notices, declarations and results each in time (art. 44)", () => {
      const steps = cn(
        [
          action("publish_notice", "2026-03-03T02:00:00.000Z"),
          action("publish_declaration", "2026-03-20T02:00:00.000Z"),
          action("takedown", "2026-03-03T02:00:00.000Z"),
          action("publish_result", "2026-03-04T02:00:00.000Z"),
        ],
        true,
      );
      expect(states(steps)).to.include({
        "notice published": "done",
        "declaration published": "late",
        "result published": "done",
      });
    });
  });

  describe("Civil Code period counting and the two readings of the 20-working-day cap", () => {
    // Forwarded Thursday 2026-04-16, 10:00 CST: the 15th day is Friday 05-01, a holiday here.
    const calendar = new WorkingCalendar(["2026-05-01", "2026-05-04", "2026-05-05"]);
    const notice = record("notice", "2026-04-01T02:00:00.000Z");
    const counter = declaration("2026-04-15T02:00:00.000Z");
    const wait = (delayCap: "excluded-delay" | "whole-wait", ...actions: RecordOf<"action">[]) =>
      buildTimeline(
        {
          notice,
          counterNotices: [counter],
          actions: [action("forward_declaration", "2026-04-16T02:00:00.000Z"), ...actions],
        },
        { ...options("CN", "2026-09-01T00:00:00Z"), calendar, delayCap },
      ).find((s) => s.step === "15-day wait for a complaint or lawsuit")!;

    it("ends a period whose last day is a holiday or rest day at the end of the next working day", () => {
      // 05-01 holiday, 05-02/03 weekend, 05-04/05 holidays: the wait ends Wednesday 05-06, 24:00.
      expect(wait("excluded-delay").due).to.equal("2026-05-06T16:00:00.000Z");
    });

    it("caps the whole wait at 20 working days under the whole-wait reading", () => {
      const long = record("action", "2026-04-20T02:00:00.000Z", {
        type: "delay_excluded",
        effectiveAt: "2026-04-20T02:00:00.000Z",
        excludedPeriod: {
          from: "2026-04-20T02:00:00.000Z",
          to: "2026-05-20T02:00:00.000Z",
          cause: "notarisation",
        },
      });
      const delayOnly = wait("excluded-delay", long);
      const whole = wait("whole-wait", long);
      expect(Date.parse(whole.due!)).to.be.below(Date.parse(delayOnly.due!));
      // 20 working days after 04-16, skipping 05-01, 05-04, 05-05 and weekends: Tuesday 05-19.
      expect(whole.due).to.equal("2026-05-19T16:00:00.000Z");
      expect(whole.note).to.include("whole-wait");
    });
  });

  describe("China's calendar: holidays, make-up working days, and the order of the rules", () => {
    const china = chinaCalendar();
    const cn = (notice: string, actions: RecordOf<"action">[], counter?: string) =>
      buildTimeline(
        {
          notice: record("notice", notice),
          counterNotices: counter ? [declaration(counter)] : [],
          actions,
        },
        { ...options("CN", "2027-06-01T00:00:00Z"), calendar: china },
      );

    it("adds excluded delays before moving an end off a rest day (forwarded 12-04, delay 12-10 to 12-13: ends 12-22 24:00)", () => {
      const steps = cn(
        "2026-11-30T02:00:00.000Z",
        [
          action("forward_declaration", "2026-12-04T02:00:00.000Z"),
          record("action", "2026-12-10T00:00:00+08:00", {
            type: "delay_excluded",
            effectiveAt: "2026-12-10T00:00:00+08:00",
            excludedPeriod: {
              from: "2026-12-10T00:00:00+08:00",
              to: "2026-12-13T00:00:00+08:00",
              cause: "notarisation",
            },
          }),
        ],
        "2026-12-03T02:00:00.000Z",
      );
      // 15 days from 12-05 end on Saturday 12-19; three excluded days make it Tuesday 12-22.
      // Moving 12-19 to Monday 12-21 first and adding after gave 12-24.
      expect(steps.find((s) => s.step === "15-day wait for a complaint or lawsuit")!.due).to.equal(
        "2026-12-22T16:00:00.000Z",
      );
    });

    it("counts a make-up working day (Saturday 2026-10-10) and skips the National Day holidays", () => {
      // Received Wednesday 09-30, 10:00: 10-01..07 are holidays, 10-08, 10-09 and the make-up
      // Saturday 10-10 are the three working days.
      expect(china.addWorkingDays(new Date("2026-09-30T02:00:00Z"), 3).toISOString()).to.equal(
        "2026-10-10T02:00:00.000Z",
      );
      const steps = cn("2026-09-30T02:00:00.000Z", []);
      expect(steps.find((s) => s.step === "notice forwarded to the merchant")!.due).to.equal(
        "2026-10-10T02:00:00.000Z",
      );
    });

    it("runs the 15 days from the declaration's arrival (deliveredAt), not its sending", () => {
      const forward = record("action", "2026-12-04T02:00:00.000Z", {
        type: "forward_declaration",
        effectiveAt: "2026-12-04T02:00:00.000Z",
        deliveredAt: "2026-12-07T02:00:00.000Z",
        statement: undefined,
      });
      const wait = cn("2026-11-30T02:00:00.000Z", [forward], "2026-12-03T02:00:00.000Z").find(
        (s) => s.step === "15-day wait for a complaint or lawsuit",
      )!;
      // From 12-08, the 15th day is Tuesday 12-22.
      expect(wait.due).to.equal("2026-12-22T16:00:00.000Z");
      expect(wait.note).to.include("arrival");
    });

    it("judges a backdated measure on when it was recorded, and says so", () => {
      // Stated as taken the day the notice came, recorded six days later: late, not done.
      const takedown = record("action", "2026-12-09T02:00:00.000Z", {
        type: "takedown",
        effectiveAt: "2026-12-03T03:00:00.000Z",
        statement: undefined,
      });
      const measured = cn("2026-12-03T02:00:00.000Z", [takedown]).find(
        (s) => s.step === "necessary measures taken",
      )!;
      expect(measured.state).to.equal("late");
      expect(measured.at).to.equal("2026-12-09T02:00:00.000Z");
      expect(measured.note).to.include("judged on when it was recorded");
    });

    it("starts no wait on a declaration without preliminary evidence, or one returned for supplement", () => {
      const forward = action("forward_declaration", "2026-12-04T02:00:00.000Z");
      const bare = {
        ...record("counter_notice", "2026-12-03T02:00:00.000Z"),
        links: [],
      } as RecordOf<"counter_notice">;
      const wait = (counter: RecordOf<"counter_notice">, more: RecordOf<"action">[] = []) =>
        buildTimeline(
          {
            notice: record("notice", "2026-11-30T02:00:00.000Z"),
            counterNotices: [counter],
            actions: [forward, ...more],
          },
          { ...options("CN", "2027-06-01T00:00:00Z"), calendar: china },
        );
      const unproved = wait(bare);
      const step = unproved.find((s) => s.step === "15-day wait for a complaint or lawsuit")!;
      expect(step.state).to.equal("not-owed");
      expect(step.note).to.include("no preliminary evidence");
      expect(unproved.some((s) => s.step === "measures ended (restored)")).to.equal(false);
      expect(missingElements(checkDeclarationElements(bare))).to.deep.equal(["evidence"]);
      // In a year the calendar does not know, still one wait step: not owed, not "unknown".
      const later = buildTimeline(
        {
          notice: record("notice", "2030-03-01T02:00:00.000Z"),
          counterNotices: [{ ...bare, receivedAt: "2030-03-02T02:00:00.000Z" }],
          actions: [action("forward_declaration", "2030-03-03T02:00:00.000Z")],
        },
        { ...options("CN", "2030-03-04T00:00:00Z"), calendar: china },
      ).filter((s) => s.step === "15-day wait for a complaint or lawsuit");
      expect(later.map((s) => s.state)).to.deep.equal(["not-owed"]);
      const complete = declaration("2026-12-03T02:00:00.000Z");
      const returned = {
        ...record("action", "2026-12-05T02:00:00.000Z", {
          type: "formal_review",
          effectiveAt: "2026-12-05T02:00:00.000Z",
          statement: undefined,
          review: {
            outcome: "returned_for_supplement",
            missing: [{ element: "evidence", reason: "the evidence shows another listing" }],
          },
        }),
        links: [{ rel: "concerns", id: complete.id }],
      } as RecordOf<"action">;
      expect(
        wait(complete, [returned]).find((s) => s.step === "15-day wait for a complaint or lawsuit")!
          .state,
      ).to.equal("not-owed");
      expect(
        wait(complete).find((s) => s.step === "15-day wait for a complaint or lawsuit")!.state,
      ).to.equal("done");
    });

    it("refuses to guess a deadline in a year whose schedule it does not know, until configured", () => {
      const steps = cn("2030-03-01T02:00:00.000Z", []);
      const forwarded = steps.find((s) => s.step === "notice forwarded to the merchant")!;
      expect(forwarded.state).to.equal("unknown");
      expect(forwarded.due).to.equal(undefined);
      expect(forwarded.note).to.include("2030").and.to.include("CALENDAR_YEARS");
      const configured = buildTimeline(
        { notice: record("notice", "2030-03-01T02:00:00.000Z"), counterNotices: [], actions: [] },
        {
          ...options("CN", "2030-03-01T03:00:00Z"),
          calendar: chinaCalendar({ years: [2030] }),
        },
      );
      expect(configured.find((s) => s.step === "notice forwarded to the merchant")!.state).to.equal(
        "pending",
      );
    });
  });

  it("holds a DMCA case to restoring 10 to 14 business days after the counter-notice", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const counter = declaration("2026-03-02T03:00:00.000Z");
    const onTime = buildTimeline(
      {
        notice,
        counterNotices: [counter],
        actions: [
          action("takedown", "2026-03-02T05:00:00.000Z"),
          action("restore", "2026-03-18T03:00:00.000Z"),
        ],
      },
      options("DMCA", "2026-05-01T00:00:00Z"),
    );
    expect(states(onTime)["material restored"]).to.equal("done");
    const none = buildTimeline(
      { notice, counterNotices: [counter], actions: [] },
      options("DMCA", "2026-05-01T00:00:00Z"),
    );
    expect(states(none)["material restored"]).to.equal("missing");
  });

  describe("the wait after a declaration (CN)", () => {
    // The declaration reaches the rights holder on Monday 2026-03-16, 10:00 in China.
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const counter = declaration("2026-03-13T02:00:00.000Z");
    const forwarded = "2026-03-16T02:00:00.000Z";
    const delay = (from: string, to: string, cause = "notarisation") =>
      record("action", from, {
        type: "delay_excluded",
        effectiveAt: from,
        excludedPeriod: { from, to, cause },
      });
    const timeline = (...actions: RecordOf<"action">[]) =>
      buildTimeline(
        {
          notice,
          counterNotices: [counter],
          actions: [action("forward_declaration", forwarded), ...actions],
        },
        options("CN", "2026-09-01T00:00:00Z"),
      );
    const step = (steps: TimelineStep[], name: string) => steps.find((s) => s.step === name)!;
    const WAIT = "15-day wait for a complaint or lawsuit";

    it("ends 15 days after the declaration arrived when nothing is excluded", () => {
      // Civil Code art. 201: from the next day (03-17); the 15th day, 03-31, ends at 24:00 CST.
      expect(step(timeline(), WAIT).due).to.equal("2026-03-31T16:00:00.000Z");
    });

    it("does not count an accepted notarisation delay, so a restore inside it is early", () => {
      const steps = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-03-25T02:00:00.000Z"),
        action("restore", "2026-04-02T02:00:00.000Z"),
      );
      // Five days later is Sunday 04-05: art. 203 moves the end to Monday's 24:00.
      expect(step(steps, WAIT).due).to.equal("2026-04-06T16:00:00.000Z");
      expect(step(steps, "excluded delay (notarisation)").state).to.equal("done");
      expect(step(steps, "measures ended (restored)").state).to.equal("early");
    });

    it("counts overlapping delays once", () => {
      const steps = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-03-25T02:00:00.000Z"),
        delay("2026-03-23T02:00:00.000Z", "2026-03-27T02:00:00.000Z", "authentication"),
      );
      expect(step(steps, WAIT).due).to.equal("2026-04-07T16:00:00.000Z");
    });

    it("caps excluded delays at 20 working days and flags the excess with the rule", () => {
      // 20 working days from Friday 2026-03-20 end on Friday 2026-04-17 (no holiday between).
      const steps = timeline(delay("2026-03-20T02:00:00.000Z", "2026-05-20T02:00:00.000Z"));
      const capped = step(steps, "excluded delay (notarisation)");
      expect(capped).to.include({ state: "late", due: "2026-04-17T02:00:00.000Z" });
      expect(capped.rule).to.include("法释〔2020〕9号 art. 3");
      expect(step(steps, WAIT).due).to.equal("2026-04-28T16:00:00.000Z");
      // A second delay after the cap is spent counts nothing.
      const more = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-05-20T02:00:00.000Z"),
        delay("2026-04-20T02:00:00.000Z", "2026-04-22T02:00:00.000Z", "other"),
      );
      expect(step(more, "excluded delay (other)")).to.include({
        state: "late",
        due: "2026-04-20T02:00:00.000Z",
      });
      expect(step(more, WAIT).due).to.equal("2026-04-28T16:00:00.000Z");
    });

    it("keeps measures when a complaint or lawsuit is notified in time, and flags a late one", () => {
      const inTime = timeline(action("complaint_or_lawsuit_notified", "2026-03-30T02:00:00.000Z"));
      expect(states(inTime)).to.include({
        "complaint or lawsuit notified": "done",
        [WAIT]: "done",
      });
      expect(states(inTime)).not.to.have.property("measures ended (restored)");
      const late = timeline(action("complaint_or_lawsuit_notified", "2026-04-02T02:00:00.000Z"));
      expect(states(late)).to.include({
        "complaint or lawsuit notified": "late",
        "measures ended (restored)": "missing",
      });
    });
  });

  it("holds a DMCA case to prompt notices, and keeps material down once the complainant sues", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const counter = declaration("2026-03-03T02:00:00.000Z");
    const dmca = options("DMCA", "2026-05-01T00:00:00Z");
    const sued = buildTimeline(
      {
        notice,
        counterNotices: [counter],
        actions: [
          action("takedown", "2026-03-02T05:00:00.000Z"),
          action("forward_notice", "2026-03-10T05:00:00.000Z"), // 5 working days: late
          action("forward_declaration", "2026-03-03T05:00:00.000Z"),
          action("complaint_or_lawsuit_notified", "2026-03-12T02:00:00.000Z"),
        ],
      },
      dmca,
    );
    expect(states(sued)).to.deep.equal({
      "notice received": "done",
      "necessary measures taken": "done",
      "subscriber notified of the removal": "late",
      "counter-notice received": "done",
      "counter-notice forwarded to the complainant": "done",
      "action filed by the complainant": "done",
    });
    expect(sued.every((s) => s.rule.startsWith("DMCA"))).to.equal(true);
  });

  it("holds a DSA case to a timely decision, its statement of reasons and the complaint window", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const decision = record("action", "2026-03-03T02:00:00.000Z", {
      type: "takedown",
      effectiveAt: "2026-03-03T02:00:00.000Z",
      statement: { measure: "removed" },
    });
    const dsa = options("DSA", "2026-12-01T00:00:00Z");
    const complained = buildTimeline(
      {
        notice,
        counterNotices: [declaration("2026-08-01T02:00:00.000Z")],
        actions: [decision, action("restore", "2026-08-20T02:00:00.000Z")],
      },
      dsa,
    );
    expect(states(complained)).to.deep.equal({
      "notice received": "done",
      "decision on the notice": "done",
      "statement of reasons": "done",
      "complaint window": "done",
      "complaint received": "done",
      "complaint decided": "late",
    });
    expect(complained.every((s) => s.rule.startsWith("DSA"))).to.equal(true);
    const late = buildTimeline(
      {
        notice,
        counterNotices: [declaration("2026-10-01T02:00:00.000Z")],
        actions: [action("takedown", "2026-03-03T02:00:00.000Z")],
      },
      dsa,
    );
    expect(states(late)).to.include({
      "statement of reasons": "missing",
      "complaint received": "late",
      "complaint decided": "missing",
    });
  });

  it("keeps steps pending while their time has not come", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const steps = buildTimeline(
      { notice, counterNotices: [], actions: [] },
      options("CN", "2026-03-03T00:00:00Z"),
    );
    expect(states(steps)["necessary measures taken"]).to.equal("pending");
  });

  it("keeps a CN case's records three years after its last record, and names no period elsewhere", () => {
    const c = {
      notice: record("notice", "2026-03-02T02:00:00.000Z"),
      counterNotices: [declaration("2026-03-10T02:00:00.000Z")],
      actions: [action("restore", "2026-04-01T02:00:00.000Z")],
    };
    expect(retentionOf(c, "CN")).to.deep.include({
      lastRecordAt: c.actions[0]!.receivedAt,
      keepUntil: "2029-04-01T02:00:00.000Z",
    });
    expect(retentionOf(c, "CN")!.rule).to.include("art. 31");
    expect(retentionOf(c, "DMCA")).to.equal(undefined);
  });

  it("keeps them three years from the transaction's completion when a listing states a later one", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const target = { ...notice.metadata.targets![0]!, transactionCompletedOn: "2026-06-30" };
    const c = {
      notice: { ...notice, metadata: { ...notice.metadata, targets: [target] } },
      counterNotices: [],
      actions: [action("takedown", "2026-03-03T02:00:00.000Z")],
    };
    expect(retentionOf(c, "CN")).to.deep.include({
      transactionCompletedAt: "2026-06-30T16:00:00.000Z",
      keepUntil: "2029-06-30T16:00:00.000Z",
    });
    expect(retentionOf(c, "CN")!.rule).to.include("transaction's completion");
  });

  describe("GET /v1/cases/:noticeId", function () {
    this.timeout(60_000);
    let notary: TestNotary;
    let noticeId: string;
    before(async () => {
      notary = await startTestNotary({ HOLIDAYS: "2026-10-01,2026-10-02" });
      const evidence = (await notary.client.postRecord(await exampleRecord("evidence"))).body as {
        id: string;
      };
      noticeId = (
        (
          await notary.client.postRecord(
            await exampleRecord("notice", [{ rel: "evidence", id: evidence.id }]),
          )
        ).body as { id: string }
      ).id;
      const takedown = await exampleRecord("action", [{ rel: "concerns", id: noticeId }]);
      (takedown.metadata as { effectiveAt: string }).effectiveAt = new Date().toISOString();
      await notary.client.postRecord(takedown);
      await notary.client.postRecord(
        await exampleRecord("counter_notice", [{ rel: "answers", id: noticeId }]),
      );
    });
    after(async () => notary?.stop());

    it("shows the notarised timeline with each step's state and rule", async () => {
      const { status, body } = await notary.client.get(`/v1/cases/${noticeId}`);
      expect(status).to.equal(200);
      const steps = (body as { steps: TimelineStep[] }).steps;
      expect(states(steps)).to.include({
        "notice received": "done",
        "necessary measures taken": "done",
        "declaration (counter-notice) received": "done",
        // The takedown took effect just now: its publication is not due yet.
        "result published": "pending",
      });
      expect(states(steps)["notice forwarded to the merchant"]).to.equal("pending");
      const { retention } = body as { retention: { lastRecordAt: string; keepUntil: string } };
      expect(Date.parse(retention.keepUntil) - Date.parse(retention.lastRecordAt)).to.be.within(
        (3 * 365 - 1) * 86_400_000,
        (3 * 366 + 1) * 86_400_000,
      );
    });

    it("lists the cases to act on: overdue, due soon, open", async () => {
      const list = async (query: string) =>
        (await notary.client.get(`/v1/cases?${query}`)).body as {
          cases: {
            caseId: string;
            next: { step: string; due: string } | null;
            overdue: unknown[];
          }[];
        };
      const open = await list("status=open");
      const mine = open.cases.find((c) => c.caseId === noticeId)!;
      // The earliest pending step: forwarding (3 working days) before publication (5).
      expect(mine.next).to.include({ step: "notice forwarded to the merchant" });
      // Nothing is missing yet: the takedown is recorded and the other steps are not yet due.
      expect((await list("status=overdue")).cases.map((c) => c.caseId)).not.to.include(noticeId);
      expect((await list("status=due-soon&within=720")).cases.map((c) => c.caseId)).to.include(
        noticeId,
      );
      const bad = await notary.client.get("/v1/cases?status=someday");
      expect([bad.status, (bad.body as { error: { code: string } }).error.code]).to.deep.equal([
        400,
        "CASE_QUERY_INVALID",
      ]);
    });

    it("refuses an unknown case or jurisdiction with a code", async () => {
      const unknown = await notary.client.get("/v1/cases/00000000-0000-4000-8000-00000000beef");
      expect([
        unknown.status,
        (unknown.body as { error: { code: string } }).error.code,
      ]).to.deep.equal([404, "CASE_NOT_FOUND"]);
      const bad = await notary.client.get(`/v1/cases/${noticeId}?jurisdiction=XX`);
      expect([bad.status, (bad.body as { error: { code: string } }).error.code]).to.deep.equal([
        400,
        "CASE_JURISDICTION_INVALID",
      ]);
    });
  });
});
