import { readStoredRecord, type TypedRecord } from "../records";
import { MonthlyTally, StatisticsTally, type MonthlyStatistics, type Statistics } from "../reports";
import type { RecordIndex } from "../storage";
import { linkedRecords } from "./linked-records";

const PAGE = 1_000;

/**
 * A campaign's statistics over [from, to), a page of records at a time, each page's notices
 * with the actions concerning them: a campaign of any size is reported without holding its
 * records.
 */
export async function tallyStatistics(
  store: RecordIndex,
  range: { from: string; to: string; byMonth: boolean },
): Promise<Statistics | MonthlyStatistics> {
  const { from, to } = range;
  const tally = range.byMonth ? new MonthlyTally({ from, to }) : new StatisticsTally({ from, to });
  for (let cursor = -1; ;) {
    const page = await store.search({ from, to, afterSeq: cursor, limit: PAGE });
    const records = page.map((r) => readStoredRecord(r));
    const notices = records.filter((r) => r.kind === "notice").map((r) => r.id);
    // Actions on a notice's case: those concerning it or a declaration answering it (a
    // restoration often concerns the declaration).
    const caseOf = new Map(notices.map((id) => [id, id]));
    for (const { target, record } of await linkedRecords(store, notices, "answers"))
      caseOf.set(record.id, target);
    const actions = new Map<string, TypedRecord[]>();
    for (const { target, record } of await linkedRecords(store, [...caseOf.keys()], "concerns")) {
      const notice = caseOf.get(target)!;
      const list = actions.get(notice) ?? [];
      if (!list.some((r) => r.id === record.id)) list.push(record);
      actions.set(notice, list);
    }
    for (const record of records) tally.add(record, actions.get(record.id));
    if (page.length < PAGE) break;
    cursor = page[page.length - 1]!.seq;
  }
  return tally.result();
}
