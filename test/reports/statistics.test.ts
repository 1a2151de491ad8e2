import { expect } from "chai";
import { MonthlyTally, monthOf, StatisticsTally, statisticsCsv } from "../../service/reports";
import { parseRecordInput, type TypedRecord } from "../../service/records";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";
import { makeRecord } from "../support/records";

const record = makeRecord;

describe("campaign statistics", () => {
  it("counts notices, measures, listings, rights, determinations and the median time to act", () => {
    const n1 = record("notice", "2026-03-01T00:00:00.000Z", {
      channel: "system",
      right: { type: "trademark", registrationNumber: "1" },
      targets: [{ url: "https://a/1" }, { url: "https://a/2" }],
    });
    const n2 = record("notice", "2026-03-02T00:00:00.000Z", {
      channel: "email",
      right: { type: "trademark", registrationNumber: "1" },
      targets: [{ url: "https://a/2" }],
    });
    const n3 = record("notice", "2026-03-03T00:00:00.000Z", {
      channel: "system",
      right: { type: "patent", registrationNumber: "9" },
      targets: [{ url: "https://b/1" }],
    });
    const takedown = record("action", "2026-03-01T06:00:00.000Z", {
      type: "takedown",
      effectiveAt: "2026-03-01T04:00:00.000Z",
    });
    const forward = record("action", "2026-03-02T12:00:00.000Z", {
      type: "forward_notice",
      effectiveAt: "2026-03-02T10:00:00.000Z",
    });
    const restore = record("action", "2026-03-05T00:00:00.000Z", {
      type: "restore",
      effectiveAt: "2026-03-05T00:00:00.000Z",
    });
    const flag = record("action", "2026-03-06T00:00:00.000Z", {
      type: "malicious_notice_flag",
      effectiveAt: "2026-03-06T00:00:00.000Z",
    });
    const penalty = record("action", "2026-03-07T00:00:00.000Z", {
      type: "credit_penalty",
      effectiveAt: "2026-03-07T00:00:00.000Z",
    });
    const counter = record("counter_notice", "2026-03-04T00:00:00.000Z", {});
    const reports = [
      record("report", "2026-03-04T00:00:00.000Z", { channel: "phone" }),
      record("report", "2026-03-05T00:00:00.000Z", { channel: "app" }),
    ];
    const penaltyDecision = record("penalty_decision", "2026-03-06T00:00:00.000Z");
    const concerning: Record<string, TypedRecord[]> = {
      [n1.id]: [takedown],
      [n2.id]: [forward],
    };
    const tally = new StatisticsTally({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-04-01T00:00:00.000Z",
    });
    for (const r of [n1, n2, n3, takedown, forward, restore, flag, penalty, counter])
      tally.add(r, concerning[r.id]);
    for (const r of [...reports, penaltyDecision]) tally.add(r);
    const stats = tally.result();
    expect(stats.notices).to.deep.equal({
      total: 3,
      byChannel: { system: 2, email: 1 },
      byRightType: { trademark: 2, patent: 1 },
    });
    expect(stats).to.deep.include({
      listingsInvolved: 3,
      rightsInvolved: 2,
      counterNotices: 1,
      restorations: 1,
      maliciousNoticeFlags: 1,
      authorityPenalties: 1,
    });
    expect(stats.consumerReports).to.deep.equal({ total: 2, byChannel: { phone: 1, app: 1 } });
    expect(stats.actions).to.deep.equal({
      total: 5,
      byType: {
        takedown: 1,
        forward_notice: 1,
        restore: 1,
        malicious_notice_flag: 1,
        credit_penalty: 1,
      },
    });
    // Forwarding, restoring and flagging are recorded actions, not measures against goods.
    expect(stats.measures).to.deep.equal({ total: 2, byType: { takedown: 1, credit_penalty: 1 } });
    expect(stats.infringementDeterminationRate).to.be.closeTo(1 / 3, 1e-9);
    // Only n1 was taken down: its two listings infringed, of the three listings involved.
    expect(stats.infringingListings).to.equal(2);
    expect(stats.infringingListingRate).to.be.closeTo(2 / 3, 1e-9);
    expect(stats.medianHoursToAct).to.equal(7); // 4 h and 10 h
    const csv = statisticsCsv(stats);
    expect(csv.startsWith("\uFEFFmetric,key,value\r\n")).to.equal(true);
    expect(csv).to.include("notices by channel,system,2");
    expect(csv).to.include("actions by type,forward_notice,1");
    expect(csv).to.include("measures,total,2");
  });

  it("does not count a takedown later reversed as a determination", () => {
    const at = (h: number) => new Date(Date.UTC(2026, 2, 1, h)).toISOString();
    const notice = (h: number) => record("notice", at(h), { targets: [{ url: `https://a/${h}` }] });
    const act = (type: string, h: number, extra: object = {}) =>
      record("action", at(h), { type, effectiveAt: at(h), ...extra });
    const [reversed, cleared, retaken] = [notice(1), notice(2), notice(3)];
    const tally = new StatisticsTally({ from: at(0), to: at(23) });
    tally.add(reversed, [act("takedown", 4), act("restore", 5)]);
    tally.add(cleared, [
      act("takedown", 4),
      act("substantive_review", 6, { review: { outcome: "no_infringement" } }),
    ]);
    tally.add(retaken, [act("takedown", 4), act("restore", 5), act("block", 7)]);
    const stats = tally.result();
    expect(stats.infringementDeterminationRate).to.be.closeTo(1 / 3, 1e-9);
    expect(stats.infringingListings).to.equal(1);
  });

  it("breaks a range down by month in China's time, each month clipped to the range", () => {
    const range = { from: "2026-03-15T00:00:00.000Z", to: "2026-04-10T00:00:00.000Z" };
    // 23:00 on 31 March in Beijing, and 01:00 on 1 April: either side of the month's end.
    const march = record("notice", "2026-03-31T15:00:00.000Z", {
      channel: "email",
      right: { type: "trademark", registrationNumber: "1" },
      targets: [{ url: "https://a/1" }],
    });
    const april = record("notice", "2026-03-31T17:00:00.000Z", {
      channel: "system",
      right: { type: "patent", registrationNumber: "2" },
      targets: [{ url: "https://a/2" }],
    });
    const takedown = record("action", "2026-04-02T00:00:00.000Z", {
      type: "takedown",
      effectiveAt: "2026-04-02T00:00:00.000Z",
    });
    const tally = new MonthlyTally(range);
    tally.add(march, [takedown]);
    tally.add(april);
    tally.add(takedown);
    const stats = tally.result();
    expect(stats.notices.total).to.equal(2);
    expect(
      stats.months.map((m) => [m.month, m.from, m.to, m.notices.total, m.measures.total]),
    ).to.deep.equal([
      ["2026-03", range.from, "2026-03-31T16:00:00.000Z", 1, 0],
      ["2026-04", "2026-03-31T16:00:00.000Z", range.to, 1, 1],
    ]);
    // The March notice was acted on in April: its determination counts in its own month.
    expect(stats.months.map((m) => m.infringementDeterminationRate)).to.deep.equal([1, 0]);
    const csv = statisticsCsv(stats).split("\r\n");
    expect(csv[0]).to.equal("\uFEFFmetric,key,value,2026-03,2026-04");
    expect(csv).to.include("notices by channel,email,1,1,0");
    expect(csv).to.include("measures by type,takedown,1,0,1");
  });

  it("has no rate and no median without notices", () => {
    const stats = new StatisticsTally({ from: "a", to: "b" }).result();
    expect([stats.infringementDeterminationRate, stats.medianHoursToAct]).to.deep.equal([
      null,
      null,
    ]);
  });

  describe("GET /v1/reports/statistics", function () {
    this.timeout(60_000);
    let notary: TestNotary;
    before(async () => {
      notary = await startTestNotary();
      const evidence = (await notary.client.postRecord(await exampleRecord("evidence"))).body as {
        id: string;
      };
      const notice = (
        await notary.client.postRecord(
          await exampleRecord("notice", [{ rel: "evidence", id: evidence.id }]),
        )
      ).body as { id: string };
      const action = await exampleRecord("action", [{ rel: "concerns", id: notice.id }]);
      // Four minutes ahead: within the clock tolerance (a later time is refused as future).
      (action.metadata as { effectiveAt: string }).effectiveAt = new Date(
        Date.now() + 4 * 60_000,
      ).toISOString();
      expect((await notary.client.postRecord(action)).status).to.equal(201);
    });
    after(async () => notary?.stop());

    it("reports the range as JSON and as CSV", async () => {
      const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
      const { status, body } = await notary.client.get(`/v1/reports/statistics?${range}`);
      expect(status).to.equal(200);
      const stats = body as {
        notices: { total: number };
        measures: { byType: Record<string, number> };
        infringementDeterminationRate: number;
        medianHoursToAct: number;
      };
      expect(stats.notices.total).to.equal(1);
      expect(stats.measures.byType).to.deep.equal({ takedown: 1 });
      expect(stats.infringementDeterminationRate).to.equal(1);
      expect(stats.medianHoursToAct).to.be.closeTo(4 / 60, 0.02);
      const csv = await notary.client.getBytes(`/v1/reports/statistics?${range}&format=csv`);
      expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
      expect(csv.bytes.subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
    });

    it("counts a range longer than one page, with the actions of notices on every page", async () => {
      const submitter = { keyId: "bulk", name: "Bulk" };
      const submit = async (kind: string, links: { rel: string; id: string }[], files = []) =>
        (
          await notary.notary.submit({
            input: parseRecordInput(await exampleRecord(kind, links), files),
            files,
            submitter,
          })
        ).id;
      const evidence = await submit("evidence", []);
      const notice = await exampleRecord("notice", [{ rel: "evidence", id: evidence }]);
      const ids: string[] = [];
      for (let i = 0; i < 1_200; i += 200)
        ids.push(
          ...(await Promise.all(
            Array.from({ length: 200 }, async () =>
              notary.notary
                .submit({ input: parseRecordInput(notice, []), files: [], submitter })
                .then((r) => r.id),
            ),
          )),
        );
      // A notice on the first page of the range and one on the second, each acted on.
      for (const id of [ids[10]!, ids[1_150]!]) await submit("action", [{ rel: "concerns", id }]);
      const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
      const stats = (await notary.client.get(`/v1/reports/statistics?${range}`)).body as {
        notices: { total: number };
        measures: { byType: Record<string, number> };
        infringementDeterminationRate: number;
      };
      expect(stats.notices.total).to.equal(1_201);
      expect(stats.measures.byType).to.deep.equal({ takedown: 3 });
      expect(stats.infringementDeterminationRate).to.equal(3 / 1_201);
    });

    it("adds a column per month to the CSV with by=month", async () => {
      const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
      const { body } = await notary.client.get(`/v1/reports/statistics?${range}&by=month`);
      const months = (body as { months: { month: string; notices: { total: number } }[] }).months;
      expect(months.map((m) => m.month)).to.include(monthOf(new Date().toISOString()));
      expect(months.reduce((sum, m) => sum + m.notices.total, 0)).to.equal(
        (body as { notices: { total: number } }).notices.total,
      );
      const csv = await notary.client.getBytes(
        `/v1/reports/statistics?${range}&by=month&format=csv`,
      );
      const header = csv.bytes.toString("utf8").split("\r\n")[0]!;
      expect(header.split(",").slice(3)).to.deep.equal(months.map((m) => m.month));
    });

    it("refuses a missing, malformed or reversed range with a code", async () => {
      for (const [query, code] of [
        ["", "REPORT_INVALID"],
        ["from=last-month&to=2026-01-01T00:00:00Z", "REPORT_INVALID"],
        ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "REPORT_REVERSED_RANGE"],
        ["from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&by=week", "REPORT_INVALID"],
      ]) {
        const { status, body } = await notary.client.get(`/v1/reports/statistics?${query}`);
        expect([status, (body as { error: { code: string } }).error.code], query).to.deep.equal([
          400,
          code,
        ]);
      }
    });
  });
});
