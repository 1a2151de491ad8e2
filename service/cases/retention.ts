import type { CaseRecords, Jurisdiction } from "./timeline";

/** How long a case's records must be kept, and from when. */
export interface Retention {
  rule: string;
  lastRecordAt: string;
  /** The latest transaction completion the case's listings state, if any. */
  transactionCompletedAt?: string;
  keepUntil: string;
}

/** E-Commerce Law art. 31: goods and transaction information are kept at least this long. */
export const KEEPING_YEARS = 3;
const YEARS = KEEPING_YEARS;

/**
 * E-Commerce Law art. 31 keeps goods and transaction information at least three years; our
 * reading (DOMAIN.md) keeps a case's records that long after the case's last record, since a
 * later record (a restoration, a complaint) reopens what the earlier ones are evidence for.
 * The DMCA and DSA set no such period: undefined there.
 */
export function retentionOf(c: CaseRecords, jurisdiction: Jurisdiction): Retention | undefined {
  if (jurisdiction !== "CN") return undefined;
  const last = [c.notice, ...c.counterNotices, ...c.actions]
    .map((r) => r.receivedAt)
    .reduce((a, b) => (a > b ? a : b));
  // Art. 31 counts from the transaction's completion: where a listing states it, and it is
  // later than the case's last record, the period runs from it.
  const completed = [
    ...(c.notice.metadata.targets ?? []),
    ...c.counterNotices.flatMap((d) => d.metadata.items),
  ]
    .map((l) => l.transactionCompletedOn)
    .filter((d): d is string => d !== undefined)
    .map((d) => `${d}T16:00:00.000Z`) // the end of that day in China (UTC+8)
    .reduce<string | undefined>((a, b) => (a === undefined || b > a ? b : a), undefined);
  const from = completed !== undefined && completed > last ? completed : last;
  const until = new Date(from);
  until.setUTCFullYear(until.getUTCFullYear() + YEARS);
  return {
    rule:
      from === last
        ? `E-Commerce Law art. 31: kept at least ${YEARS} years (our reading: after the case's last record)`
        : `E-Commerce Law art. 31: kept at least ${YEARS} years from the transaction's completion`,
    lastRecordAt: last,
    ...(completed !== undefined && { transactionCompletedAt: completed }),
    keepUntil: until.toISOString(),
  };
}
