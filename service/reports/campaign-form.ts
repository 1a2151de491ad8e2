import { z } from "zod";
import { CSV_BOM, csvLine } from "../csv";
import { withinRegion, type RecordOf } from "../records";

export const CAMPAIGN_FORM_FORMAT = "campaign-form/v1";

const Row = z.object({
  序号: z.number().int(),
  项目: z.string(),
  数量: z.union([z.number(), z.string()]),
});

/** The monthly campaign statistics form (seed 001, 附件), per reporting unit. */
export const CampaignFormSchema = z.object({
  format: z.literal(CAMPAIGN_FORM_FORMAT),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  region: z.string().nullable(),
  forms: z.array(
    z.object({
      单位名称: z.string(),
      regions: z.array(z.string()),
      records: z.array(z.uuid()),
      rows: z.array(Row),
    }),
  ),
});
export type CampaignForm = z.infer<typeof CampaignFormSchema>;

/**
 * Fills the form from campaign records of one month: 1 campaign actions and inspections, 2
 * personnel dispatched, 3 goods inspected, 4 IP rights involved (distinct), 5 the
 * infringement/counterfeit determination rate (goods found infringing over goods inspected, as
 * a percentage; "—" with nothing inspected). Pure.
 */
export function makeCampaignForm(
  records: readonly RecordOf<"campaign">[],
  o: { month: string; region?: string; unit?: string },
): CampaignForm {
  const chosen = records.filter(
    (r) =>
      r.metadata.on.startsWith(o.month) &&
      (o.region === undefined || withinRegion(r.metadata.region, o.region)) &&
      (o.unit === undefined || r.metadata.reportingUnit === o.unit),
  );
  const units = new Map<string, RecordOf<"campaign">[]>();
  for (const r of chosen)
    units.set(r.metadata.reportingUnit, [...(units.get(r.metadata.reportingUnit) ?? []), r]);
  return {
    format: CAMPAIGN_FORM_FORMAT,
    month: o.month,
    region: o.region ?? null,
    forms: [...units.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([unit, list]) => {
        const sum = (pick: (r: RecordOf<"campaign">) => number) =>
          list.reduce((n, r) => n + pick(r), 0);
        const inspected = sum((r) => r.metadata.goodsInspected);
        const infringing = sum((r) => r.metadata.goodsInfringing ?? 0);
        const rights = new Set(list.flatMap((r) => r.metadata.rightsInvolved ?? []));
        return {
          单位名称: unit,
          regions: [...new Set(list.map((r) => r.metadata.region))].sort(),
          records: list.map((r) => r.id),
          rows: [
            { 序号: 1, 项目: "专项整治次数", 数量: list.length },
            { 序号: 2, 项目: "出动人员数", 数量: sum((r) => r.metadata.personnel) },
            { 序号: 3, 项目: "检查商品数", 数量: inspected },
            { 序号: 4, 项目: "涉及知识产权数", 数量: rights.size },
            {
              序号: 5,
              项目: "侵权假冒认定率",
              数量: inspected > 0 ? `${((infringing / inspected) * 100).toFixed(1)}%` : "—",
            },
          ],
        };
      }),
  };
}

/** The form as CSV (UTF-8 with BOM, so spreadsheet software reads the Chinese headings). */
export function campaignFormCsv(form: CampaignForm): string {
  const lines = [csvLine(["单位名称", "月份", "序号", "项目", "数量"])];
  for (const f of form.forms)
    for (const row of f.rows)
      lines.push(csvLine([f.单位名称, form.month, row.序号, row.项目, row.数量]));
  return CSV_BOM + lines.join("");
}
