import { BinderFacts, makeBinder, SAMPLES, type Binder } from "../binder";
import { parseCanonicalRecord } from "../records";
import type { BatchLog, RecordIndex, WitnessLog } from "../storage";
import { verifyLinks } from "./certificates";

const PAGE = 1_000;

/**
 * The GB/T 39550 binder for records received in [from, to): every record read once, a page at
 * a time, with whether its batch is anchored and witnessed (each batch looked up once).
 */
export async function assembleBinder(
  store: RecordIndex & Pick<BatchLog, "getBatch"> & Pick<WitnessLog, "witnessesOf">,
  o: { from: string; to: string; publicUrl: string; lookupSecret: Uint8Array },
): Promise<Binder> {
  const facts = new BinderFacts();
  const chain = new Map<number, { anchored: boolean; witnessed: boolean }>();
  const chainOf = async (batchIndex: number | null) => {
    if (batchIndex === null) return { anchored: false, witnessed: false };
    let known = chain.get(batchIndex);
    if (!known) {
      const batch = await store.getBatch(batchIndex);
      known = {
        anchored: batch?.status === "anchored",
        witnessed: (await store.witnessesOf(batchIndex)).length > 0,
      };
      chain.set(batchIndex, known);
    }
    return known;
  };
  for (let after = -1; ;) {
    const rows = await store.search({ from: o.from, to: o.to, afterSeq: after, limit: PAGE });
    for (const row of rows)
      facts.add(parseCanonicalRecord(row.canonical), await chainOf(row.batch_index));
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.seq;
  }
  const result = facts.result();
  const verifyLink = await verifyLinks(
    store,
    { publicUrl: o.publicUrl, secret: o.lookupSecret },
    result.sampleIds(SAMPLES),
  );
  return makeBinder(result, { ...o, now: new Date(), verifyLink });
}
