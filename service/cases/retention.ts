import type { CaseRecords, Jurisdiction } from "./timeline";

/** How long a case's records must be kept, and from when. */
export interface Retention {
  rule: string;
  lastRecordAt: string;
  keepUntil: string;
}

const YEARS = 3;

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
  const until = new Date(last);
  until.setUTCFullYear(until.getUTCFullYear() + YEARS);
  return {
    rule: `E-Commerce Law art. 31: kept at least ${YEARS} years (our reading: after the case's last record)`,
    lastRecordAt: last,
    keepUntil: until.toISOString(),
  };
}
