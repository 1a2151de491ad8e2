import { Router } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../errors";
import { isRegionCode, type RecordOf, type TypedRecord } from "../records";
import { renderBinderHtml, renderBinderPdf, type Binder } from "../binder";
import {
  campaignFormCsv,
  makeCampaignForm,
  renderCampaignFormPdf,
  statisticsCsv,
  type Statistics,
} from "../reports";
import { allowRoles } from "./auth";
import { parseRequest } from "./parse-request";

export const StatisticsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  format: z.enum(["json", "csv"]).default("json"),
  by: z
    .enum(["month"])
    .optional()
    .meta({ description: "Also break the range down by month (UTC+8)" }),
});

export const CampaignFormQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month, YYYY-MM"),
  unit: z.string().min(1).max(300).optional(),
  region: z.string().optional().meta({ description: "GB/T 2260 code: a province, city or county" }),
  format: z.enum(["json", "csv", "pdf"]).default("json"),
});

export const BinderQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  format: z.enum(["json", "html", "pdf"]).default("json"),
});

/** A range [from, to) as UTC ISO times, refused with `code` when malformed or reversed. */
function parseRange<T extends { from: string; to: string }>(
  schema: z.ZodType<T>,
  query: unknown,
  code: "REPORT_INVALID" | "BINDER_QUERY_INVALID",
  hint: string,
): T {
  const q = parseRequest(schema, query, code, hint);
  const from = new Date(q.from).toISOString();
  const to = new Date(q.to).toISOString();
  if (from >= to)
    throw new InvalidInputError(
      "REPORT_REVERSED_RANGE",
      `from (${q.from}) must be before to (${q.to})`,
    );
  return { ...q, from, to };
}

/**
 * `GET /v1/reports/statistics?from&to[&format=csv][&by=month]`: campaign statistics for
 * regulators; `GET /v1/reports/gbt39550?from&to[&format=html|pdf]`: the evaluation binder.
 */
export function reportRouter(
  tally: (range: { from: string; to: string; byMonth: boolean }) => Promise<Statistics>,
  binder: (range: { from: string; to: string }) => Promise<Binder>,
  /** The campaign records, and the notices and actions that may have taken place in `month`. */
  campaignRecords: (
    month: string,
  ) => Promise<{ campaign: RecordOf<"campaign">[]; ledger: TypedRecord[] }>,
): Router {
  const router = Router();
  router.get("/reports/campaign-form", allowRoles("regulator", "platform"), async (req, res) => {
    const q = parseRequest(
      CampaignFormQuery,
      req.query,
      "REPORT_INVALID",
      "month is YYYY-MM, format is json, csv or pdf",
    );
    if (q.region !== undefined && !isRegionCode(q.region))
      throw new InvalidInputError(
        "CAMPAIGN_REGION_INVALID",
        `${JSON.stringify(q.region)} is not a GB/T 2260 administrative division code`,
      );
    const { campaign: records, ledger } = await campaignRecords(q.month);
    if (q.unit !== undefined && !records.some((r) => r.metadata.reportingUnit === q.unit))
      throw new NotFoundError(
        "CAMPAIGN_UNIT_UNKNOWN",
        `no campaign record names the reporting unit ${JSON.stringify(q.unit)}`,
      );
    const form = makeCampaignForm(records, q, ledger);
    const name = `campaign-form-${q.month}`;
    if (q.format === "csv")
      res.type("text/csv; charset=utf-8").attachment(`${name}.csv`).send(campaignFormCsv(form));
    else if (q.format === "pdf")
      res
        .type("application/pdf")
        .attachment(`${name}.pdf`)
        .send(await renderCampaignFormPdf(form));
    else res.json(form);
  });
  router.get("/reports/gbt39550", allowRoles("regulator", "platform"), async (req, res) => {
    const q = parseRange(
      BinderQuery,
      req.query,
      "BINDER_QUERY_INVALID",
      "from and to are ISO-8601 times, format is json, html or pdf",
    );
    const b = await binder({ from: q.from, to: q.to });
    const name = `gbt39550-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}`;
    if (q.format === "html") res.type("text/html").send(renderBinderHtml(b));
    else if (q.format === "pdf") {
      const pdf = await renderBinderPdf(b);
      res.type("application/pdf").attachment(`${name}.pdf`).send(pdf);
    } else res.json(b);
  });
  router.get("/reports/statistics", allowRoles("regulator", "platform"), async (req, res) => {
    const q = parseRange(
      StatisticsQuery,
      req.query,
      "REPORT_INVALID",
      "from and to are ISO-8601 times, format is json or csv",
    );
    const { from, to } = q;
    const stats = await tally({ from, to, byMonth: q.by === "month" });
    if (q.format === "csv")
      res
        .type("text/csv; charset=utf-8")
        .attachment(`statistics-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`)
        .send(statisticsCsv(stats));
    else res.json(stats);
  });
  return router;
}
