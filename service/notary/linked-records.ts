import { readStoredRecord, type TypedRecord } from "../records";
import type { RecordIndex } from "../storage";

/**
 * The records that link to one of `targets` with `rel`, parsed, each with the target it links
 * to. The links index finds them; each record's own canonical links decide: a row inserted
 * into the index must not add a stranger's action to a case or to the statistics.
 */
export async function linkedRecords(
  store: RecordIndex,
  targets: readonly string[],
  rel: string,
): Promise<{ target: string; record: TypedRecord }[]> {
  const found: { target: string; record: TypedRecord }[] = [];
  for (const row of await store.linkingTo(targets, rel)) {
    const { target } = row;
    const record = readStoredRecord(row);
    if (record.links.some((l) => l.rel === rel && l.id === target)) found.push({ target, record });
  }
  return found;
}
