import { expect } from "chai";
import {
  buildTimeline,
  retentionOf,
  WorkingCalendar,
  type Jurisdiction,
  type TimelineStep,
} from "../../service/cases";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";
import { makeRecord } from "../support/records";
import type { RecordOf } from "../../service/records";

const record = makeRecord;
const action = (type: string, effectiveAt: string) =>
  record("action", effectiveAt, { type, effectiveAt, statement: undefined });
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
    const counter = record("counter_notice", "2026-03-10T02:00:00.000Z");
    const actions = [
      action("forward_notice", "2026-03-03T02:00:00.000Z"),
      action("takedown", "2026-03-12T02:00:00.000Z"), // more than 3 working days: late
      action("forward_declaration", "2026-03-11T02:00:00.000Z"),
      action("restore", "2026-03-20T02:00:00.000Z"), // before the 15 days are over: early
    ];
    const steps = buildTimeline(
      { notice, counterNotices: [counter], actions },
      options("CN", "2026-05-01T00:00:00Z"),
    );
    expect(states(steps)).to.deep.equal({
      "notice received": "done",
      "notice forwarded to the merchant": "done",
      "necessary measures taken": "late",
      "declaration (counter-notice) received": "done",
      "declaration forwarded to the rights holder": "done",
      "15-day wait for a complaint or lawsuit": "done",
      "measures ended (restored)": "early",
      "result published": "missing",
    });
    expect(steps.find((s) => s.state === "late")!.rule).to.include("art. 42");
  });

  it("holds a DMCA case to restoring 10 to 14 business days after the counter-notice", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const counter = record("counter_notice", "2026-03-02T03:00:00.000Z");
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
    const counter = record("counter_notice", "2026-03-13T02:00:00.000Z");
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
      expect(step(timeline(), WAIT).due).to.equal("2026-03-31T02:00:00.000Z");
    });

    it("does not count an accepted notarisation delay, so a restore inside it is early", () => {
      const steps = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-03-25T02:00:00.000Z"),
        action("restore", "2026-04-02T02:00:00.000Z"),
      );
      expect(step(steps, WAIT).due).to.equal("2026-04-05T02:00:00.000Z");
      expect(step(steps, "excluded delay (notarisation)").state).to.equal("done");
      expect(step(steps, "measures ended (restored)").state).to.equal("early");
    });

    it("counts overlapping delays once", () => {
      const steps = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-03-25T02:00:00.000Z"),
        delay("2026-03-23T02:00:00.000Z", "2026-03-27T02:00:00.000Z", "authentication"),
      );
      expect(step(steps, WAIT).due).to.equal("2026-04-07T02:00:00.000Z");
    });

    it("caps excluded delays at 20 working days and flags the excess with the rule", () => {
      // 20 working days from Friday 2026-03-20 end on Friday 2026-04-17 (no holiday between).
      const steps = timeline(delay("2026-03-20T02:00:00.000Z", "2026-05-20T02:00:00.000Z"));
      const capped = step(steps, "excluded delay (notarisation)");
      expect(capped).to.include({ state: "late", due: "2026-04-17T02:00:00.000Z" });
      expect(capped.rule).to.include("法释〔2020〕9号 art. 3");
      expect(step(steps, WAIT).due).to.equal("2026-04-28T02:00:00.000Z");
      // A second delay after the cap is spent counts nothing.
      const more = timeline(
        delay("2026-03-20T02:00:00.000Z", "2026-05-20T02:00:00.000Z"),
        delay("2026-04-20T02:00:00.000Z", "2026-04-22T02:00:00.000Z", "other"),
      );
      expect(step(more, "excluded delay (other)")).to.include({
        state: "late",
        due: "2026-04-20T02:00:00.000Z",
      });
      expect(step(more, WAIT).due).to.equal("2026-04-28T02:00:00.000Z");
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
    const counter = record("counter_notice", "2026-03-03T02:00:00.000Z");
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
        counterNotices: [record("counter_notice", "2026-08-01T02:00:00.000Z")],
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
        counterNotices: [record("counter_notice", "2026-10-01T02:00:00.000Z")],
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
      counterNotices: [record("counter_notice", "2026-03-10T02:00:00.000Z")],
      actions: [action("restore", "2026-04-01T02:00:00.000Z")],
    };
    expect(retentionOf(c, "CN")).to.deep.include({
      lastRecordAt: c.actions[0]!.receivedAt,
      keepUntil: "2029-04-01T02:00:00.000Z",
    });
    expect(retentionOf(c, "CN")!.rule).to.include("art. 31");
    expect(retentionOf(c, "DMCA")).to.equal(undefined);
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
        "result published": "missing",
      });
      expect(states(steps)["notice forwarded to the merchant"]).to.equal("pending");
      const { retention } = body as { retention: { lastRecordAt: string; keepUntil: string } };
      expect(Date.parse(retention.keepUntil) - Date.parse(retention.lastRecordAt)).to.be.within(
        (3 * 365 - 1) * 86_400_000,
        (3 * 366 + 1) * 86_400_000,
      );
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
