import { z } from "zod";
import { caseOutcome, DETERMINATIONS } from "../cases";
import { CSV_BOM, csvLine } from "../csv";
import { isKind, normaliseListingUrl, type TypedRecord } from "../records";

/** Measures taken against listings or merchants; forwarding, publishing and the like are not. */
const MEASURES = new Set([...DETERMINATIONS, "credit_penalty", "merchant_exit"]);

const Counts = z.record(z.string(), z.number().int().nonnegative());
const Rate = z.number().min(0).max(1).nullable();

/** A campaign's statistics (format `evidence-statistics/v1`, JSON Schema beside this file). */
export const StatisticsSchema = z
  .object({
    format: z.literal("evidence-statistics/v1"),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    notices: z.object({
      total: z.number().int().nonnegative(),
      byChannel: Counts,
      byRightType: Counts,
    }),
    listingsInvolved: z.number().int().nonnegative(),
    /** Listings of notices that led to a determination (takedown, block, delink, termination). */
    infringingListings: z.number().int().nonnegative(),
    /** Infringing listings over listings involved; null with no listing. */
    infringingListingRate: Rate,
    rightsInvolved: z.number().int().nonnegative(),
    /** Every action recorded, by type. */
    actions: z.object({ total: z.number().int().nonnegative(), byType: Counts }),
    /** Measures proper: takedowns, blocks, delinking, terminated transactions, penalties, exits. */
    measures: z.object({ total: z.number().int().nonnegative(), byType: Counts }),
    counterNotices: z.number().int().nonnegative(),
    restorations: z.number().int().nonnegative(),
    maliciousNoticeFlags: z.number().int().nonnegative(),
    /** Consumer reports (E-Commerce Law art. 59), by channel. */
    consumerReports: z.object({ total: z.number().int().nonnegative(), byChannel: Counts }),
    /** Enforcement authorities' penalty decisions recorded against merchants. */
    authorityPenalties: z.number().int().nonnegative(),
    /** Notices that led to a measure, over notices; null with no notice. */
    infringementDeterminationRate: Rate,
    /** Median hours from a notice's receipt to the first action concerning it; null with none. */
    medianHoursToAct: z.number().nonnegative().nullable(),
    /** With `by=month`: the same per calendar month in China's time (UTC+8). */
    months: z.array(z.looseObject({ month: z.string().regex(/^\d{4}-\d{2}$/) })).optional(),
  })
  .meta({ id: "Statistics" });
export type Statistics = Omit<z.infer<typeof StatisticsSchema>, "months">;

const bump = (counts: Record<string, number>, key: string) =>
  void (counts[key] = (counts[key] ?? 0) + 1);

/**
 * The monthly statistics of an enforcement campaign (DOMAIN.md), tallied one record at a time
 * so the caller can page through a campaign of any size: what it keeps is one entry per
 * distinct listing and right and one number per notice acted on, never the records. Pure.
 */
export class StatisticsTally {
  private readonly stats: Statistics;
  private readonly listings = new Set<string>();
  private readonly infringing = new Set<string>();
  private readonly rights = new Set<string>();
  private readonly hoursToAct: number[] = [];
  private determined = 0;

  constructor(range: { from: string; to: string }) {
    this.stats = {
      format: "evidence-statistics/v1",
      ...range,
      notices: { total: 0, byChannel: {}, byRightType: {} },
      listingsInvolved: 0,
      infringingListings: 0,
      infringingListingRate: null,
      rightsInvolved: 0,
      actions: { total: 0, byType: {} },
      measures: { total: 0, byType: {} },
      counterNotices: 0,
      restorations: 0,
      maliciousNoticeFlags: 0,
      consumerReports: { total: 0, byChannel: {} },
      authorityPenalties: 0,
      infringementDeterminationRate: null,
      medianHoursToAct: null,
    };
  }

  /** Counts a record received in the range; for a notice, with the actions concerning it. */
  add(record: TypedRecord, actionsConcerning: readonly TypedRecord[] = []): void {
    const stats = this.stats;
    const actions = actionsConcerning.filter((a) => isKind(a, "action"));
    if (record.kind === "notice") {
      const m = record.metadata;
      stats.notices.total++;
      bump(stats.notices.byChannel, m.channel);
      bump(stats.notices.byRightType, m.right?.type ?? "unstated");
      const listings = (m.targets ?? []).map((t) => normaliseListingUrl(t.url));
      for (const listing of listings) this.listings.add(listing);
      const right = m.right;
      // A right is counted once by its registration number; one stated without it counts alone.
      if (right)
        this.rights.add(
          `${right.type}:${right.registrationNumber ?? (right.type === "other" ? right.description : undefined) ?? record.id}`,
        );
      if (caseOutcome(actions) === "upheld") {
        this.determined++;
        for (const listing of listings) this.infringing.add(listing);
      }
      let first = Infinity;
      for (const a of actions) first = Math.min(first, Date.parse(a.metadata.effectiveAt));
      if (Number.isFinite(first))
        this.hoursToAct.push(Math.max(0, (first - Date.parse(record.receivedAt)) / 3_600_000));
    } else if (record.kind === "counter_notice") {
      stats.counterNotices++;
    } else if (record.kind === "report") {
      stats.consumerReports.total++;
      bump(stats.consumerReports.byChannel, record.metadata.channel);
    } else if (record.kind === "penalty_decision") {
      stats.authorityPenalties++;
    } else if (record.kind === "action") {
      const type = record.metadata.type;
      stats.actions.total++;
      bump(stats.actions.byType, type);
      if (MEASURES.has(type)) {
        stats.measures.total++;
        bump(stats.measures.byType, type);
      }
      if (type === "restore") stats.restorations++;
      if (type === "malicious_notice_flag") stats.maliciousNoticeFlags++;
    }
  }

  result(): Statistics {
    const stats = structuredClone(this.stats);
    stats.listingsInvolved = this.listings.size;
    stats.infringingListings = this.infringing.size;
    stats.infringingListingRate =
      this.listings.size > 0 ? this.infringing.size / this.listings.size : null;
    stats.rightsInvolved = this.rights.size;
    stats.infringementDeterminationRate =
      stats.notices.total > 0 ? this.determined / stats.notices.total : null;
    stats.medianHoursToAct = median(this.hoursToAct);
    return stats;
  }
}

/** A campaign's statistics per calendar month (in China's time, UTC+8) besides the whole range. */
export type MonthlyStatistics = Statistics & { months: (Statistics & { month: string })[] };

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Tallies the whole range and each month it touches; a month's range is clipped to the whole. */
export class MonthlyTally {
  private readonly whole: StatisticsTally;
  private readonly months = new Map<string, StatisticsTally>();

  constructor(private readonly range: { from: string; to: string }) {
    this.whole = new StatisticsTally(range);
  }

  add(record: TypedRecord, actionsConcerning: readonly TypedRecord[] = []): void {
    this.whole.add(record, actionsConcerning);
    const month = monthOf(record.receivedAt);
    let tally = this.months.get(month);
    if (!tally) {
      const { from, to } = monthRange(month);
      tally = new StatisticsTally({
        from: from > this.range.from ? from : this.range.from,
        to: to < this.range.to ? to : this.range.to,
      });
      this.months.set(month, tally);
    }
    tally.add(record, actionsConcerning);
  }

  result(): MonthlyStatistics {
    const months = [...this.months.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([month, tally]) => ({ month, ...tally.result() }));
    return { ...this.whole.result(), months };
  }
}

/** `YYYY-MM` of an instant in China's time. */
export function monthOf(instant: string): string {
  return new Date(Date.parse(instant) + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The instants a China-time month starts and ends at. */
function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(year, m - 1, 1) - CHINA_OFFSET_MS).toISOString(),
    to: new Date(Date.UTC(year, m, 1) - CHINA_OFFSET_MS).toISOString(),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The statistics as CSV rows (metric, key, value), UTF-8 with BOM for spreadsheet tools; with
 * months, one more column per month after the whole range's.
 */
export function statisticsCsv(
  s: Statistics & { months?: (Statistics & { month: string })[] },
): string {
  const columns = [s, ...(s.months ?? [])];
  const rows = new Map<string, [string, string]>();
  const values = columns.map((column) => {
    const cells = new Map<string, string | number | null>();
    for (const [metric, key, value] of csvCells(column)) {
      rows.set(`${metric}\u0000${key}`, [metric, key]);
      cells.set(`${metric}\u0000${key}`, value);
    }
    return cells;
  });
  const header = ["metric", "key", "value", ...(s.months ?? []).map((m) => m.month)];
  const lines = [...rows].map(([id, [metric, key]]) => [
    metric,
    key,
    // Only counts by key can be absent from a column: a type no record of that month had.
    ...values.map((cells) => cells.get(id) ?? 0),
  ]);
  return CSV_BOM + [header, ...lines].map(csvLine).join("");
}

function csvCells(s: Statistics): [string, string, string | number | null][] {
  const byKey = (metric: string, counts: Record<string, number>) =>
    Object.entries(counts).map(([k, v]) => [metric, k, v] as [string, string, number]);
  return [
    ["from", "", s.from],
    ["to", "", s.to],
    ["notices", "total", s.notices.total],
    ...byKey("notices by channel", s.notices.byChannel),
    ...byKey("notices by right type", s.notices.byRightType),
    ["listings involved", "", s.listingsInvolved],
    ["infringing listings", "", s.infringingListings],
    ["infringing listing rate", "", s.infringingListingRate],
    ["IP rights involved", "", s.rightsInvolved],
    ["actions", "total", s.actions.total],
    ...byKey("actions by type", s.actions.byType),
    ["measures", "total", s.measures.total],
    ...byKey("measures by type", s.measures.byType),
    ["counter-notices", "", s.counterNotices],
    ["restorations", "", s.restorations],
    ["malicious-notice flags", "", s.maliciousNoticeFlags],
    ["consumer reports", "total", s.consumerReports.total],
    ...byKey("consumer reports by channel", s.consumerReports.byChannel),
    ["authority penalties", "", s.authorityPenalties],
    ["infringement determination rate", "", s.infringementDeterminationRate],
    ["median hours to act", "", s.medianHoursToAct],
  ];
}
