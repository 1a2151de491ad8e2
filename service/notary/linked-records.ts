import { CanonicalRecord } from "../records";
import type { LedgerStore } from "../storage";

/**
 * The records that link to one of `targets` with `rel`, parsed, each with the target it links
 * to. The links index finds them; each record's own canonical links decide: a row inserted
 * into the index must not add a stranger's action to a case or to the statistics.
 */
export async function linkedRecords(
  store: LedgerStore,
  targets: readonly string[],
  rel: string,
): Promise<{ target: string; record: CanonicalRecord }[]> {
  const found: { target: string; record: CanonicalRecord }[] = [];
  for (const { target, canonical } of await store.linkingTo(targets, rel)) {
    const record = CanonicalRecord.parse(JSON.parse(canonical));
    if (record.links.some((l) => l.rel === rel && l.id === target)) found.push({ target, record });
  }
  return found;
}
