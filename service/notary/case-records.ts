import type { CaseRecords } from "../cases";
import { isKind, parseCanonicalRecord } from "../records";
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
  const notice = parseCanonicalRecord(stored.canonical);
  if (!isKind(notice, "notice")) return undefined;
  const counterNotices = (await linkedRecords(store, [notice.id], "answers"))
    .map((r) => r.record)
    .filter((r) => isKind(r, "counter_notice"));
  const actions = (
    await linkedRecords(store, [notice.id, ...counterNotices.map((c) => c.id)], "concerns")
  )
    .map((r) => r.record)
    .filter((r) => isKind(r, "action"));
  return { notice, counterNotices, actions: [...new Map(actions.map((a) => [a.id, a])).values()] };
}
