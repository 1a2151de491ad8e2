import { expect } from "chai";
import { buildTimeline, WorkingCalendar, type TimelineStep } from "../../service/cases";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";
import { makeRecord } from "../support/records";

const record = makeRecord;
const action = (type: string, effectiveAt: string) =>
  record("action", effectiveAt, { type, effectiveAt });
const states = (steps: TimelineStep[]) => Object.fromEntries(steps.map((s) => [s.step, s.state]));

describe("case timelines", () => {
  // 2026-03-02 is a Monday; 2026-03-04 is declared a holiday.
  const calendar = new WorkingCalendar(["2026-03-04"]);

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
      { jurisdiction: "CN", calendar, now: new Date("2026-05-01T00:00:00Z"), inTimeWorkingDays: 3 },
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
      {
        jurisdiction: "DMCA",
        calendar,
        now: new Date("2026-05-01T00:00:00Z"),
        inTimeWorkingDays: 3,
      },
    );
    expect(states(onTime)["material restored"]).to.equal("done");
    const none = buildTimeline(
      { notice, counterNotices: [counter], actions: [] },
      {
        jurisdiction: "DMCA",
        calendar,
        now: new Date("2026-05-01T00:00:00Z"),
        inTimeWorkingDays: 3,
      },
    );
    expect(states(none)["material restored"]).to.equal("missing");
  });

  it("keeps steps pending while their time has not come", () => {
    const notice = record("notice", "2026-03-02T02:00:00.000Z");
    const steps = buildTimeline(
      { notice, counterNotices: [], actions: [] },
      { jurisdiction: "CN", calendar, now: new Date("2026-03-03T00:00:00Z"), inTimeWorkingDays: 3 },
    );
    expect(states(steps)["necessary measures taken"]).to.equal("pending");
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
