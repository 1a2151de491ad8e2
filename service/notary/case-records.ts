import type { CaseRecords } from "../cases";
import { isKind, readStoredRecord, type RecordOf } from "../records";
import type { RecordIndex } from "../storage";
import { linkedRecords } from "./linked-records";

/**
 * A case as the ledger holds it: the notice, the counter-notices answering it, and the actions
 * concerning either, each once. Undefined when the id names no notice. The link rules let only
 * counter-notices answer and only actions concern; the kinds are checked all the same.
 */
export async function assembleCase(
  store: RecordIndex,
  noticeId: string,
): Promise<CaseRecords | undefined> {
  const stored = await store.getRecordRow(noticeId);
  if (!stored || stored.kind !== "notice") return undefined;
  const notice = readStoredRecord(stored);
  if (!isKind(notice, "notice")) return undefined;
  const counterNotices = (await linkedRecords(store, [notice.id], "answers"))
    .map((r) => r.record)
    .filter((r) => isKind(r, "counter_notice"));
  const actions = (
    await linkedRecords(store, [notice.id, ...counterNotices.map((c) => c.id)], "concerns")
  )
    .map((r) => r.record)
    .filter((r) => isKind(r, "action"));
  const resubmissions = (await linkedRecords(store, [notice.id], "resubmits"))
    .map((r) => r.record)
    .filter((r) => isKind(r, "notice"));
  const notifier = notice.metadata.notifier.idDocument?.number;
  return {
    notice,
    counterNotices,
    actions: [...new Map(actions.map((a) => [a.id, a])).values()],
    resubmissions,
    notifierFlags: notifier ? await maliciousFlagsOf(store, notifier, notice.receivedAt) : [],
  };
}

/**
 * The malicious-notifier register's entries for one notifier (by identity document number):
 * flags recorded before `before`. The parties index proposes; each flag's own metadata decides.
 */
export async function maliciousFlagsOf(
  store: RecordIndex,
  idNumber: string,
  before?: string,
): Promise<RecordOf<"action">[]> {
  const flags: RecordOf<"action">[] = [];
  for (let after = -1; ;) {
    const rows = await store.search({
      kind: "action",
      party: idNumber,
      afterSeq: after,
      limit: 500,
    });
    for (const row of rows) {
      const record = readStoredRecord(row);
      if (
        isKind(record, "action") &&
        record.metadata.malice?.notifier.idDocument.number === idNumber &&
        (before === undefined || record.receivedAt < before)
      )
        flags.push(record);
    }
    if (rows.length < 500) return flags;
    after = rows[rows.length - 1]!.seq;
  }
}
