import type { MerchantEntry, NotifierEntry } from "./registers";

export interface Credit {
  /** 0 to 100. */
  score: number;
  grade: "A" | "B" | "C" | "D";
  /** Each deduction, so the score can be checked by hand. */
  factors: { factor: string; count: number; points: number }[];
}

/**
 * Credit evaluation (GB/T 39550 4.2, "信用评价机制"; the formula is in the README): 100 less
 * fixed points per recorded fact, floored at 0. Facts, not opinions: each is a ledger record.
 */
const MERCHANT_DEDUCTIONS = [
  ["authority penalties", 20, (e: MerchantEntry) => e.counts.authorityPenalties],
  ["suspensions", 10, (e: MerchantEntry) => e.counts.suspensions],
  ["upheld infringement determinations", 5, (e: MerchantEntry) => e.counts.determinations],
  ["warning letters", 3, (e: MerchantEntry) => e.counts.warnings],
  ["rectifications late or not done", 5, (e: MerchantEntry) => e.counts.rectificationsLate],
] as const;

const NOTIFIER_DEDUCTIONS = [
  ["malicious-notice flags", 25, (e: NotifierEntry) => e.maliciousFlags.length],
  ["notices reversed (restored or no infringement)", 5, (e: NotifierEntry) => e.reversed],
  ["notices returned or rejected on review", 2, (e: NotifierEntry) => e.refused],
] as const;

function score<E>(
  entry: E,
  deductions: readonly (readonly [string, number, (e: E) => number])[],
): Credit {
  const factors = deductions
    .map(([factor, each, count]) => ({ factor, count: count(entry), points: -each * count(entry) }))
    .filter((f) => f.count > 0);
  const value = Math.max(0, 100 + factors.reduce((n, f) => n + f.points, 0));
  return { score: value, grade: gradeOf(value), factors };
}

export const gradeOf = (value: number): Credit["grade"] =>
  value >= 90 ? "A" : value >= 75 ? "B" : value >= 60 ? "C" : "D";

export const creditOfMerchant = (e: MerchantEntry): Credit => score(e, MERCHANT_DEDUCTIONS);
export const creditOfNotifier = (e: NotifierEntry): Credit => score(e, NOTIFIER_DEDUCTIONS);

/**
 * The honour roll (seed 000 §2 art. 7): merchants on file with no violation in the period;
 * the watch list: grade D, key management, termination due or a rectification overdue.
 */
export function honourRoll(
  merchants: readonly MerchantEntry[],
  period: { from: string; to: string },
): MerchantEntry[] {
  const violations = new Set([
    "determination",
    "warning",
    "suspension",
    "authority_penalty",
    "credit_penalty",
    "rectification_late",
    "key_management",
  ]);
  return merchants.filter(
    (m) =>
      m.filings.current !== undefined &&
      !m.exited &&
      !m.events.some((e) => violations.has(e.what) && e.at >= period.from && e.at < period.to),
  );
}

export function watchList(merchants: readonly MerchantEntry[]): MerchantEntry[] {
  return merchants.filter(
    (m) =>
      !m.exited &&
      (m.credit.grade === "D" ||
        m.keyManagement ||
        m.terminationDue ||
        m.rectificationOverdue.length > 0),
  );
}
