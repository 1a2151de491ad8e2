import {
  isKind,
  parseCanonicalRecord,
  readStoredRecord,
  concernsViewer,
  type CanonicalRecord,
} from "../records";
import type { ApiKey } from "../keys";
import type { BatchLog, RecordIndex, StoredBatch } from "../storage";
import type { Published } from "../webhooks";
import type { CaseDesk } from "./case-desk";

/** Who may hear of a record: readers of the ledger, and parties the record concerns. */
const mayRead = (record: CanonicalRecord) => (owner: ApiKey) =>
  owner.role === "platform" ||
  owner.role === "regulator" ||
  ((owner.role === "rights_holder" || owner.role === "merchant") &&
    concernsViewer(record, { keyId: owner.id, parties: owner.parties }));

/** `record.anchored` for every record of batches just anchored, as the store now holds them. */
export async function anchoredEvents(
  store: RecordIndex & Pick<BatchLog, "getBatch">,
  anchored: readonly Pick<StoredBatch, "batch_index">[],
): Promise<Published[]> {
  const events: Published[] = [];
  for (const { batch_index } of anchored) {
    const batch = await store.getBatch(batch_index);
    if (batch?.status !== "anchored") continue;
    const rows = await store.search({ afterSeq: batch.first_seq - 1, limit: batch.count });
    for (const [i, row] of rows.entries()) {
      // Parsing thousands of records is long work: requests are served in between.
      if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
      const record = readStoredRecord(row);
      events.push({
        id: `record.anchored:${record.id}:${batch.tx_hash}`,
        type: "record.anchored",
        data: {
          recordId: record.id,
          kind: record.kind,
          seq: record.seq,
          batchIndex: batch.batch_index,
          txHash: batch.tx_hash,
          blockNumber: batch.block_number,
          receipt: `/v1/records/${record.id}/receipt`,
        },
        audience: mayRead(record),
      });
    }
  }
  return events;
}

/** `case.action` when an action is recorded on a case: heard by who may read its notice. */
export async function actionEvents(
  store: RecordIndex,
  action: CanonicalRecord,
): Promise<Published[]> {
  const typed = parseCanonicalRecord(action);
  if (!isKind(typed, "action")) return [];
  const notices = new Map<string, CanonicalRecord>();
  for (const link of typed.links.filter((l) => l.rel === "concerns")) {
    const row = await store.getRecordRow(link.id);
    const target = row && readStoredRecord(row);
    if (!target) continue;
    if (isKind(target, "notice")) notices.set(target.id, target);
    if (isKind(target, "counter_notice")) {
      const answered = target.links.find((l) => l.rel === "answers");
      const noticeRow = answered && (await store.getRecordRow(answered.id));
      if (noticeRow) notices.set(noticeRow.id, readStoredRecord(noticeRow));
    }
  }
  return [...notices.values()].map((notice) => ({
    id: `case.action:${typed.id}:${notice.id}`,
    type: "case.action" as const,
    data: {
      caseId: notice.id,
      actionId: typed.id,
      action: typed.metadata.type,
      effectiveAt: typed.metadata.effectiveAt,
      case: `/v1/cases/${notice.id}`,
    },
    audience: mayRead(notice),
  }));
}

/**
 * `case.deadline` for each step of a case due within `hours` (E-Commerce Law arts. 42-44 as the
 * timelines read them): heard by who may read the notice; once per step and due time.
 */
export async function deadlineEvents(
  store: RecordIndex,
  desk: Pick<CaseDesk, "dueWithin">,
  hours: number,
): Promise<Published[]> {
  const events: Published[] = [];
  const notices = new Map<string, CanonicalRecord | undefined>();
  for await (const due of desk.dueWithin(hours)) {
    if (!notices.has(due.caseId)) {
      const row = await store.getRecordRow(due.caseId);
      notices.set(due.caseId, row && readStoredRecord(row));
    }
    const notice = notices.get(due.caseId);
    if (!notice) continue;
    events.push({
      id: `case.deadline:${due.caseId}:${due.step}:${due.due}`,
      type: "case.deadline",
      data: { caseId: due.caseId, step: due.step, due: due.due, case: `/v1/cases/${due.caseId}` },
      audience: mayRead(notice),
    });
  }
  return events;
}
