import { isKind, readStoredRecord, type TypedRecord } from "../records";
import {
  toDirectoryVersions,
  toPublications,
  type DirectoryVersion,
  type Publication,
} from "../publication";
import type { BatchLog, RecordIndex } from "../storage";
import { verifyLinks } from "./certificates";
import { recordsOfKinds } from "./registers";

export interface PublicRecords {
  publications(): Promise<Publication[]>;
  directory(): Promise<DirectoryVersion[]>;
}

/** How long a public answer is reused: anyone may ask, so no request rescans the ledger. */
const FRESH_MS = 5_000;

/**
 * The public side of the ledger: what the platform published, and its contact directory. Each
 * item links its verification: for an anchored record, the certificate lookup (number and code),
 * which anyone may follow, since a published record is public; before that, the record's id.
 */
export function makePublicRecords(
  store: RecordIndex & Pick<BatchLog, "getBatch">,
  o: { publicUrl: () => string; lookupSecret: Uint8Array },
): PublicRecords {
  const links = (ids: Iterable<string>) =>
    verifyLinks(store, { publicUrl: o.publicUrl(), secret: o.lookupSecret }, ids);
  const cached = <T>(load: () => Promise<T>) => {
    let last: { at: number; value: Promise<T> } | undefined;
    return () => {
      if (!last || Date.now() - last.at > FRESH_MS) {
        last = { at: Date.now(), value: load() };
        last.value.catch(() => (last = undefined));
      }
      return last.value;
    };
  };
  return {
    publications: cached(async () => {
      const actions = (await recordsOfKinds(store, ["action"])).filter(
        (a) => isKind(a, "action") && a.metadata.type.startsWith("publish_"),
      );
      const subjects = new Map<string, TypedRecord>();
      for (const id of new Set(actions.flatMap((a) => a.links.map((l) => l.id)))) {
        const row = await store.getRecordRow(id);
        if (row) subjects.set(id, readStoredRecord(row));
      }
      const published = actions.filter((a) => isKind(a, "action"));
      return toPublications(
        published,
        (id) => subjects.get(id),
        await links([...published.map((a) => a.id), ...subjects.keys()]),
      );
    }),
    directory: cached(async () => {
      const versions = (await recordsOfKinds(store, ["contact_directory"])).filter((r) =>
        isKind(r, "contact_directory"),
      );
      return toDirectoryVersions(versions, await links(versions.map((v) => v.id)));
    }),
  };
}
