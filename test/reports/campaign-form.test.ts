import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isRegionCode, withinRegion } from "../../service/records";
import { campaignFormCsv, makeCampaignForm, type CampaignForm } from "../../service/reports";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";
import { makeRecord } from "../support/records";

const campaign = (on: string, fields: Record<string, unknown>) =>
  makeRecord("campaign", `${on}T02:00:00.000Z`, { on, ...fields });

describe("the monthly campaign form (seed 001)", () => {
  const records = [
    campaign("2026-11-03", {
      reportingUnit: "平台知识产权部",
      region: "500103",
      personnel: 4,
      goodsInspected: 100,
      goodsInfringing: 5,
      rightsInvolved: ["ZL1", "TM1"],
    }),
    campaign("2026-11-20", {
      type: "campaign_action",
      reportingUnit: "平台知识产权部",
      region: "500112",
      personnel: 6,
      goodsInspected: 60,
      goodsInfringing: 3,
      rightsInvolved: ["TM1", "TM2"],
    }),
    campaign("2026-11-21", {
      reportingUnit: "沪分部",
      region: "310115",
      goodsInspected: 0,
      rightsInvolved: [],
    }),
    campaign("2026-12-01", { reportingUnit: "平台知识产权部", region: "500103" }),
  ];

  it("fills the five items per reporting unit for the month", () => {
    const form = makeCampaignForm(records, { month: "2026-11" });
    expect(form.forms.map((f) => f.单位名称)).to.deep.equal(["平台知识产权部", "沪分部"]);
    const figures = (i: number) =>
      form.forms[i]!.rows.map(({ 序号, 项目, 数量, source }) => ({ 序号, 项目, 数量, source }));
    expect(figures(0)).to.deep.equal([
      { 序号: 1, 项目: "专项整治次数", 数量: 2, source: "campaign_records" },
      { 序号: 2, 项目: "出动人员数", 数量: 10, source: "campaign_records" },
      { 序号: 3, 项目: "检查商品数", 数量: 160, source: "campaign_records" },
      { 序号: 4, 项目: "涉及知识产权数", 数量: 3, source: "campaign_records" },
      { 序号: 5, 项目: "侵权假冒认定率", 数量: "5.0%", source: "campaign_records" },
    ]);
    // Each figure says what it counts.
    expect(form.forms[0]!.rows[4]!.counts).to.include("goodsInfringing ÷ goodsInspected");
    // Where the unit's records are silent the form says so rather than print 0.
    expect(figures(1).slice(3)).to.deep.equal([
      { 序号: 4, 项目: "涉及知识产权数", 数量: "—", source: "silent" },
      { 序号: 5, 项目: "侵权假冒认定率", 数量: "—", source: "silent" },
    ]);
  });

  it("counts the month's notices and measures from the ledger, beside the form and labelled so", () => {
    const at = (day: string) => `2026-11-${day}T02:00:00.000Z`;
    const notice = makeRecord("notice", at("05"));
    const other = makeRecord("notice", at("06"), {
      right: { type: "patent", registrationNumber: "ZL1", holder: "X" },
    });
    const takedown = makeRecord("action", "2026-12-02T02:00:00.000Z", {
      type: "takedown",
      // Recorded in December, effective on 30 November (Beijing): November's.
      effectiveAt: "2026-11-30T23:00:00+08:00",
    });
    const december = makeRecord("notice", "2026-11-30T17:00:00.000Z"); // 1 December in Beijing
    const forward = makeRecord("action", at("07"), { type: "forward_notice" });
    const form = makeCampaignForm(records, { month: "2026-11" }, [
      notice,
      other,
      takedown,
      december,
      forward,
    ]);
    expect(form.ledger).to.deep.include({ notices: 2, measures: 1, rights: 2 });
    expect(form.ledger.records).to.deep.equal([notice.id, other.id, takedown.id]);
    expect(form.ledger.label).to.include("非专项整治记录");
    // Never mixed into the campaign figures.
    expect(form.forms[0]!.rows[0]!.数量).to.equal(2);
  });

  it("filters by region (province, city or county) and by unit", () => {
    expect(makeCampaignForm(records, { month: "2026-11", region: "310000" }).forms).to.have.length(
      1,
    );
    const county = makeCampaignForm(records, { month: "2026-11", region: "500112" });
    expect(county.forms[0]!.rows[0]!.数量).to.equal(1);
    expect(makeCampaignForm(records, { month: "2026-11", unit: "沪分部" }).forms).to.have.length(1);
    expect(withinRegion("500112", "500000")).to.equal(true);
    expect(withinRegion("500112", "310000")).to.equal(false);
    expect([isRegionCode("310115"), isRegionCode("990000"), isRegionCode("31011")]).to.deep.equal([
      true,
      false,
      false,
    ]);
  });

  it("writes CSV with a BOM and the form's Chinese headings", () => {
    const csv = campaignFormCsv(makeCampaignForm(records, { month: "2026-11" }));
    expect(csv.startsWith("\uFEFF单位名称,月份,序号,项目,数量\r\n")).to.equal(true);
    expect(csv).to.include("平台知识产权部,2026-11,5,侵权假冒认定率,5.0%\r\n");
  });

  describe("GET /v1/reports/campaign-form", function () {
    this.timeout(60_000);
    let notary: TestNotary;
    before(async () => {
      notary = await startTestNotary();
      const answer = await notary.client.postRecord(await exampleRecord("campaign"));
      expect(answer.status).to.equal(201);
    });
    after(async () => notary?.stop());

    it("answers JSON, CSV and a PDF holding the form", async () => {
      const json = await notary.client.get("/v1/reports/campaign-form?month=2026-11");
      expect(json.status).to.equal(200);
      const form = json.body as CampaignForm;
      expect(form.forms[0]!.rows[2]).to.deep.include({ 序号: 3, 项目: "检查商品数", 数量: 120 });
      const csv = await notary.client.get("/v1/reports/campaign-form?month=2026-11&format=csv");
      expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
      const pdf = await notary.client.getBytes(
        "/v1/reports/campaign-form?month=2026-11&format=pdf",
      );
      const dir = await mkdtemp(join(tmpdir(), "form-"));
      await writeFile(join(dir, "f.pdf"), pdf.bytes);
      const { stdout } = await promisify(execFile)("pdftotext", [join(dir, "f.pdf"), "-"]);
      for (const text of [
        "专项整治数据统计表",
        "序号",
        "项目",
        "数量",
        "检查商品数",
        "120",
        "2.5%",
        // The template's seal and date, and the records behind the figures.
        "签章",
        "年",
        "月",
        "日",
        ...form.forms[0]!.records,
        // What each figure counts, and the ledger's own counts, labelled apart.
        "统计口径",
        "非专项整治记录",
      ])
        expect(stdout).to.include(text);
    });

    it("refuses an unknown unit, a region that is no GB/T 2260 code and a bad month, with codes", async () => {
      for (const [query, status, code] of [
        ["month=2026-11&unit=nobody", 404, "CAMPAIGN_UNIT_UNKNOWN"],
        ["month=2026-11&region=990000", 400, "CAMPAIGN_REGION_INVALID"],
        ["month=2026-13", 400, "REPORT_INVALID"],
      ] as const) {
        const answer = await notary.client.get(`/v1/reports/campaign-form?${query}`);
        expect([
          answer.status,
          (answer.body as { error: { code: string } }).error.code,
        ]).to.deep.equal([status, code]);
      }
    });
  });
});
