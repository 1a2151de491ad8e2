import { retentionOf } from "../cases";
import type { Submitter } from "../intake";
import { readStoredRecord, type TypedRecord } from "../records";
import type { ContentStore, LedgerStore } from "../storage";
import { assembleCase } from "./case-records";
import { eraseValues, finishFileErasures } from "./erasures";
import type { Notary } from "./notary";

/** Who erases at the end of a keeping period: the service itself, named so on its records. */
export const KEEPING_SWEEPER: Submitter = {
  keyId: "keeping-period",
  name: "keeping-period sweeper",
};

/**
 * The notices whose case a record belongs to: a notice's own, what a declaration answers, what
 * an action concerns (through a declaration too), the notices and declarations citing evidence.
 */
async function noticesOf(store: LedgerStore, record: TypedRecord, depth = 2): Promise<string[]> {
  if (record.kind === "notice") return [record.id];
  if (depth === 0) return [];
  const through = record.links
    .filter((l) => l.rel === "answers" || l.rel === "concerns")
    .map((l) => l.id);
  if (record.kind === "evidence")
    through.push(
      ...(await store.linkingTo([record.id], "evidence")).map((r) => readStoredRecord(r).id),
    );
  const notices: string[] = [];
  for (const id of through) {
    const row = await store.getRecordRow(id);
    if (row) notices.push(...(await noticesOf(store, readStoredRecord(row), depth - 1)));
  }
  return notices;
}

/**
 * Erases the personal values and files whose keeping period has ended (DESIGN §7, E-Commerce Law art. 31):
 * a disclosure's floor (three years after intake) has passed, and so has its case's own period
 * (three years after the case's last record, or the transaction's completion), which a later
 * record moves on. A record its case still keeps gets its floor moved to the case's date, so it
 * is not looked at again before then. Returns the records erased and those kept longer.
 */
export async function sweepKeepingPeriods(
  deps: { notary: Pick<Notary, "submit">; store: LedgerStore; files: Pick<ContentStore, "erase"> },
  now: Date,
  limit = 100,
): Promise<{ erased: string[]; kept: string[] }> {
  const erased: string[] = [];
  const kept: string[] = [];
  await finishFileErasures(deps);
  for (const id of await deps.store.recordsPastKeeping(now.toISOString(), limit)) {
    const row = await deps.store.getRecordRow(id);
    if (!row) continue;
    let until: string | undefined;
    for (const noticeId of new Set(await noticesOf(deps.store, readStoredRecord(row)))) {
      const c = await assembleCase(deps.store, noticeId);
      const keepUntil = c && retentionOf(c, "CN")?.keepUntil;
      if (keepUntil && (until === undefined || keepUntil > until)) until = keepUntil;
    }
    if (until !== undefined && until > now.toISOString()) {
      await deps.store.keepUntil(id, until);
      kept.push(id);
      continue;
    }
    await eraseValues(
      deps,
      id,
      {
        reason: `the keeping period ended${until ? ` (its case's, on ${until})` : ""}`,
        legalBasis: "E-Commerce Law art. 31; PIPL art. 47(1)(1)",
        trigger: "keeping_period",
      },
      KEEPING_SWEEPER,
    );
    erased.push(id);
  }
  return { erased, kept };
}
