import { erasuresOf } from "./erasures";
import type { Writable } from "node:stream";
import { writeBundle, type BundleDeps } from "../bundles";
import { NotFoundError } from "../errors";
import type { Submitter } from "../intake";
import type { ApiKey } from "../keys";
import { readStoredRecord, type CanonicalRecord } from "../records";
import type { RecordIndex } from "../storage";
import { assembleCase } from "./case-records";
import type { Notary } from "./notary";

type ClosingWritable = Writable & { on(event: "close", f: () => void): unknown };

export interface Bundles {
  ofRecord(id: string, key: ApiKey, out: ClosingWritable): Promise<void>;
  ofCase(noticeId: string, key: ApiKey, out: ClosingWritable): Promise<void>;
}

/**
 * Court bundles of a record, or of a case (the notice, its evidence, the declarations and their
 * evidence, the actions on either), each in a shared archive slot. A party's key gets the
 * records it may read, the rest of the case left out, as every read decides.
 */
export function makeBundles(
  deps: Omit<BundleDeps, "notary"> & {
    store: RecordIndex;
    notary: Notary;
    slot: (out: ClosingWritable) => void;
  },
): Bundles {
  const submitter = (key: ApiKey): Submitter => ({ keyId: key.id, name: key.name });
  const readable = async (key: ApiKey, r: CanonicalRecord) =>
    key.role === "platform" || key.role === "regulator" || (await deps.notary.readableBy(r, key));
  const write = async (
    name: string,
    records: CanonicalRecord[],
    key: ApiKey,
    out: ClosingWritable,
  ) => {
    deps.slot(out);
    await writeBundle(
      { ...deps, notary: deps.notary, erasuresOf: (id) => erasuresOf(deps.store, id) },
      { name, records, reader: key },
      submitter(key),
      out,
    );
  };
  return {
    async ofRecord(id, key, out) {
      await deps.notary.assertReadable(id, key);
      const { record } = await deps.notary.getRecord(id);
      await write(`record:${id}`, [record], key, out);
    },
    async ofCase(noticeId, key, out) {
      await deps.notary.assertReadable(noticeId, key);
      const c = await assembleCase(deps.store, noticeId);
      if (!c)
        throw new NotFoundError(
          "CASE_NOT_FOUND",
          `a case is named by its notice's id; ${noticeId} is not a notice`,
        );
      const evidenceIds = [c.notice, ...c.counterNotices]
        .flatMap((r) => r.links)
        .filter((l) => l.rel === "evidence")
        .map((l) => l.id);
      const evidence: CanonicalRecord[] = [];
      for (const id of new Set(evidenceIds)) {
        const row = await deps.store.getRecordRow(id);
        if (row) evidence.push(readStoredRecord(row));
      }
      const records: CanonicalRecord[] = [];
      for (const r of [c.notice, ...evidence, ...c.counterNotices, ...c.actions])
        if (await readable(key, r)) records.push(r);
      records.sort((a, b) => a.seq - b.seq);
      await write(`case:${noticeId}`, records, key, out);
    },
  };
}
