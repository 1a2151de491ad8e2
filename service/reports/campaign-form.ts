import { z } from "zod";
import { CSV_BOM, csvLine } from "../csv";
import { isKind, occurredAt, withinRegion, type RecordOf, type TypedRecord } from "../records";

export const CAMPAIGN_FORM_FORMAT = "campaign-form/v1";

const Row = z.object({
  序号: z.number().int(),
  项目: z.string(),
  数量: z.union([z.number(), z.string()]),
  /** What the figure counts, from which records. */
  counts: z.string(),
  /** Whether the unit's campaign records say it; "—" stands where they are silent. */
  source: z.enum(["campaign_records", "silent"]),
});

/** Counts the template does not ask for, from the platform's own ledger, never mixed in. */
const LedgerFigures = z.object({
  label: z.string(),
  /** Notices that reached the platform in the month. */
  notices: z.number().int(),
  /** Takedowns, blocks, delinks and terminated transactions that took effect in the month. */
  measures: z.number().int(),
  /** Distinct rights (type and registration number or holder) those notices invoke. */
  rights: z.number().int(),
  records: z.array(z.uuid()),
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
  ledger: LedgerFigures,
});
export type CampaignForm = z.infer<typeof CampaignFormSchema>;

/** A month as China's calendar has it: what took place then, in Beijing time. */
const monthOf = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);

const MEASURES = ["takedown", "block", "delink", "terminate_transactions"];

/**
 * Fills the form from campaign records of one month: 1 campaign actions and inspections, 2
 * personnel dispatched, 3 goods inspected, 4 IP rights involved (distinct), 5 the
 * infringement/counterfeit determination rate (goods found infringing over goods inspected, as
 * a percentage). A figure the unit's records do not state is "—", not 0. Beside the form, and
 * labelled as the ledger's and not the campaign's, the notices and measures of the month. Pure.
 */
export function makeCampaignForm(
  records: readonly RecordOf<"campaign">[],
  o: { month: string; region?: string; unit?: string },
  ledger: readonly TypedRecord[] = [],
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
      .map(([unit, list]) => ({
        单位名称: unit,
        regions: [...new Set(list.map((r) => r.metadata.region))].sort(),
        records: list.map((r) => r.id),
        rows: unitRows(list),
      })),
    ledger: ledgerFigures(ledger, o.month),
  };
}

function unitRows(list: readonly RecordOf<"campaign">[]): CampaignForm["forms"][number]["rows"] {
  const sum = (pick: (r: RecordOf<"campaign">) => number) => list.reduce((n, r) => n + pick(r), 0);
  const inspected = sum((r) => r.metadata.goodsInspected);
  const infringing = sum((r) => r.metadata.goodsInfringing ?? 0);
  const named = list.filter((r) => (r.metadata.rightsInvolved ?? []).length > 0);
  const rights = new Set(named.flatMap((r) => r.metadata.rightsInvolved ?? []));
  const stated = (value: number | string, counts: string) => ({
    数量: value,
    counts,
    source: "campaign_records" as const,
  });
  const silent = (counts: string) => ({ 数量: "—", counts, source: "silent" as const });
  return [
    {
      序号: 1,
      项目: "专项整治次数",
      ...stated(
        list.length,
        "专项整治记录（检查与专项行动）条数 campaign records (inspections, campaign actions)",
      ),
    },
    {
      序号: 2,
      项目: "出动人员数",
      ...stated(
        sum((r) => r.metadata.personnel),
        "专项整治记录 personnel 之和 personnel in campaign records",
      ),
    },
    {
      序号: 3,
      项目: "检查商品数",
      ...stated(inspected, "专项整治记录 goodsInspected 之和 goods inspected in campaign records"),
    },
    {
      序号: 4,
      项目: "涉及知识产权数",
      ...(named.length > 0
        ? stated(
            rights.size,
            "专项整治记录 rightsInvolved 去重 distinct rights in campaign records",
          )
        : silent("专项整治记录未载明涉及的知识产权 the campaign records name no rights")),
    },
    {
      序号: 5,
      项目: "侵权假冒认定率",
      ...(inspected > 0
        ? stated(
            `${((infringing / inspected) * 100).toFixed(1)}%`,
            "goodsInfringing ÷ goodsInspected（专项整治记录）in campaign records",
          )
        : silent("专项整治记录未载检查商品 the campaign records inspected no goods")),
    },
  ];
}

function ledgerFigures(ledger: readonly TypedRecord[], month: string): CampaignForm["ledger"] {
  const inMonth = ledger.filter((r) => monthOf(occurredAt(r)) === month);
  const notices = inMonth.filter((r) => isKind(r, "notice"));
  const measures = inMonth.filter((r) => isKind(r, "action") && MEASURES.includes(r.metadata.type));
  const rights = new Set(
    notices.flatMap((n) => {
      const right = isKind(n, "notice") ? n.metadata.right : undefined;
      return right ? [`${right.type}:${right.registrationNumber ?? right.holder ?? ""}`] : [];
    }),
  );
  return {
    label:
      "平台台账：本月收到的侵权通知与生效的删除、屏蔽、断开链接、终止交易措施（非专项整治记录，不计入上表） From the platform's ledger, not campaign records, and not in the form's figures",
    notices: notices.length,
    measures: measures.length,
    rights: rights.size,
    records: [...notices, ...measures].map((r) => r.id),
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
