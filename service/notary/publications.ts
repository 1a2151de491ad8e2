import { isKind, parseCanonicalRecord, type TypedRecord } from "../records";
import {
  toDirectoryVersions,
  toPublications,
  type DirectoryVersion,
  type Publication,
} from "../publication";
import type { RecordIndex } from "../storage";
import { recordsOfKinds } from "./registers";

export interface PublicRecords {
  publications(): Promise<Publication[]>;
  directory(): Promise<DirectoryVersion[]>;
}

/** How long a public answer is reused: anyone may ask, so no request rescans the ledger. */
const FRESH_MS = 5_000;

/** The public side of the ledger: what the platform published, and its contact directory. */
export function makePublicRecords(store: RecordIndex, publicUrl: () => string): PublicRecords {
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
        if (row) subjects.set(id, parseCanonicalRecord(row.canonical));
      }
      return toPublications(
        actions.filter((a) => isKind(a, "action")),
        (id) => subjects.get(id),
        publicUrl(),
      );
    }),
    directory: cached(async () =>
      toDirectoryVersions(
        (await recordsOfKinds(store, ["contact_directory"])).filter((r) =>
          isKind(r, "contact_directory"),
        ),
        publicUrl(),
      ),
    ),
  };
}
