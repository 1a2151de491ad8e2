import { CSV_BOM, csvLine } from "../csv";
import type { CanonicalRecord } from "../records";

/** Measures that decide on infringement (a takedown-like action counts as a determination). */
const DETERMINATIONS = new Set(["takedown", "block", "delink", "terminate_transactions"]);
/** Measures taken against listings or merchants; forwarding, publishing and the like are not. */
const MEASURES = new Set([...DETERMINATIONS, "credit_penalty", "merchant_exit"]);

export interface Statistics {
  format: "evidence-statistics/v1";
  from: string;
  to: string;
  notices: {
    total: number;
    byChannel: Record<string, number>;
    byRightType: Record<string, number>;
  };
  listingsInvolved: number;
  rightsInvolved: number;
  /** Every action recorded, by type. */
  actions: { total: number; byType: Record<string, number> };
  /** Measures proper: takedowns, blocks, delinking, terminated transactions, penalties, exits. */
  measures: { total: number; byType: Record<string, number> };
  counterNotices: number;
  restorations: number;
  maliciousNoticeFlags: number;
  /** Notices that led to a measure, over notices; null with no notice. */
  infringementDeterminationRate: number | null;
  /** Median hours from a notice's receipt to the first action concerning it; null with none. */
  medianHoursToAct: number | null;
}

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
  private readonly rights = new Set<string>();
  private readonly hoursToAct: number[] = [];
  private determined = 0;

  constructor(range: { from: string; to: string }) {
    this.stats = {
      format: "evidence-statistics/v1",
      ...range,
      notices: { total: 0, byChannel: {}, byRightType: {} },
      listingsInvolved: 0,
      rightsInvolved: 0,
      actions: { total: 0, byType: {} },
      measures: { total: 0, byType: {} },
      counterNotices: 0,
      restorations: 0,
      maliciousNoticeFlags: 0,
      infringementDeterminationRate: null,
      medianHoursToAct: null,
    };
  }

  /** Counts a record received in the range; for a notice, with the actions concerning it. */
  add(record: CanonicalRecord, actionsConcerning: readonly CanonicalRecord[] = []): void {
    const stats = this.stats;
    const m = record.metadata as {
      channel?: string;
      right?: { type?: string; registrationNumber?: string; description?: string };
      targets?: { url: string }[];
      type?: string;
    };
    if (record.kind === "notice") {
      stats.notices.total++;
      bump(stats.notices.byChannel, m.channel ?? "unknown");
      bump(stats.notices.byRightType, m.right?.type ?? "unknown");
      for (const t of m.targets ?? []) this.listings.add(t.url);
      this.rights.add(
        `${m.right?.type}:${m.right?.registrationNumber ?? m.right?.description ?? record.id}`,
      );
      if (
        actionsConcerning.some((a) =>
          DETERMINATIONS.has((a.metadata as { type?: string }).type ?? ""),
        )
      )
        this.determined++;
      let first = Infinity;
      for (const a of actionsConcerning)
        first = Math.min(
          first,
          Date.parse((a.metadata as { effectiveAt?: string }).effectiveAt ?? a.receivedAt),
        );
      if (Number.isFinite(first))
        this.hoursToAct.push(Math.max(0, (first - Date.parse(record.receivedAt)) / 3_600_000));
    } else if (record.kind === "counter_notice") {
      stats.counterNotices++;
    } else if (record.kind === "action") {
      stats.actions.total++;
      bump(stats.actions.byType, m.type ?? "unknown");
      if (MEASURES.has(m.type ?? "")) {
        stats.measures.total++;
        bump(stats.measures.byType, m.type!);
      }
      if (m.type === "restore") stats.restorations++;
      if (m.type === "malicious_notice_flag") stats.maliciousNoticeFlags++;
    }
  }

  result(): Statistics {
    const stats = structuredClone(this.stats);
    stats.listingsInvolved = this.listings.size;
    stats.rightsInvolved = this.rights.size;
    stats.infringementDeterminationRate =
      stats.notices.total > 0 ? this.determined / stats.notices.total : null;
    stats.medianHoursToAct = median(this.hoursToAct);
    return stats;
  }
}

/** The statistics of records already in hand (tests, small ranges). */
export function computeStatistics(
  range: { from: string; to: string },
  records: Iterable<CanonicalRecord>,
  actionsConcerning: (noticeId: string) => readonly CanonicalRecord[],
): Statistics {
  const tally = new StatisticsTally(range);
  for (const record of records)
    tally.add(record, record.kind === "notice" ? actionsConcerning(record.id) : []);
  return tally.result();
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The statistics as CSV rows (metric, key, value), UTF-8 with BOM for spreadsheet tools. */
export function statisticsCsv(s: Statistics): string {
  const rows: [string, string, string | number | null][] = [
    ["from", "", s.from],
    ["to", "", s.to],
    ["notices", "total", s.notices.total],
    ...Object.entries(s.notices.byChannel).map(
      ([k, v]) => ["notices by channel", k, v] as [string, string, number],
    ),
    ...Object.entries(s.notices.byRightType).map(
      ([k, v]) => ["notices by right type", k, v] as [string, string, number],
    ),
    ["listings involved", "", s.listingsInvolved],
    ["IP rights involved", "", s.rightsInvolved],
    ["actions", "total", s.actions.total],
    ...Object.entries(s.actions.byType).map(
      ([k, v]) => ["actions by type", k, v] as [string, string, number],
    ),
    ["measures", "total", s.measures.total],
    ...Object.entries(s.measures.byType).map(
      ([k, v]) => ["measures by type", k, v] as [string, string, number],
    ),
    ["counter-notices", "", s.counterNotices],
    ["restorations", "", s.restorations],
    ["malicious-notice flags", "", s.maliciousNoticeFlags],
    ["infringement determination rate", "", s.infringementDeterminationRate],
    ["median hours to act", "", s.medianHoursToAct],
  ];
  return CSV_BOM + [["metric", "key", "value"], ...rows].map(csvLine).join("");
}
