import { readStoredRecord, type RecordKind, type TypedRecord } from "../records";
import { buildRegisters, type RegisterOptions, type Registers } from "../registers";
import type { RecordIndex } from "../storage";

const PAGE = 1_000;

/** Every record of these kinds, parsed, in seq order. */
export async function recordsOfKinds(
  store: RecordIndex,
  kinds: readonly RecordKind[],
  range: { from?: string; to?: string } = {},
): Promise<TypedRecord[]> {
  const out: TypedRecord[] = [];
  for (const kind of kinds)
    for (let after = -1; ;) {
      const rows = await store.search({ kind, ...range, afterSeq: after, limit: PAGE });
      for (const row of rows) out.push(readStoredRecord(row));
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * The registers as of now, derived from the whole ledger. They hold one entry per merchant and
 * notifier, but are built from every filing, notice, declaration, action and penalty decision:
 * O(records) per request (README, "Registers").
 */
export async function loadRegisters(
  store: RecordIndex,
  options: Omit<RegisterOptions, "now">,
): Promise<Registers> {
  const records = await recordsOfKinds(store, [
    "filing",
    "notice",
    "counter_notice",
    "action",
    "penalty_decision",
  ]);
  return buildRegisters(records, { ...options, now: new Date() });
}
