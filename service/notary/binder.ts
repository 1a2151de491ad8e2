import { BinderFacts, makeBinder, SAMPLES, type Binder, type ChainFacts } from "../binder";
import { PUBLIC_CHAIN_IDS } from "../verify";
import { occurredAt, readStoredRecord, STATED_TIME_TOLERANCE_MS } from "../records";
import type { BatchLog, RecordIndex, WitnessLog } from "../storage";
import { verifyLinks } from "./certificates";
import { loadRegisters } from "./registers";

const PAGE = 1_000;

/**
 * The GB/T 39550 binder of what took place in [from, to) (`occurredAt`: a training on its day,
 * a takedown when it took effect, a notice when it arrived), whenever it was notarised: every
 * record received since `from` read once, a page at a time, with whether its batch is anchored
 * and witnessed (each batch looked up once). Nothing received before `from` can have taken
 * place after it, but for the clock tolerance: intake refuses stated times later than that.
 */
export async function assembleBinder(
  store: RecordIndex & Pick<BatchLog, "getBatch"> & Pick<WitnessLog, "witnessesOf">,
  o: {
    from: string;
    to: string;
    publicUrl: string;
    lookupSecret: Uint8Array;
    /** The ledger's chain: an anchor there is independent of the operator if it is public. */
    chainId: string;
    /** The platform evaluated (ISSUER_NAME). */
    platform: string;
    /** Authority penalties after which a merchant is due termination (the registers' rule). */
    terminationPenalties: number;
  },
): Promise<Binder> {
  // Whether a filing is a re-entry depends on an exit that may precede the period: the
  // merchant register, built from the whole ledger, knows.
  const registers = await loadRegisters(store, { terminationPenalties: o.terminationPenalties });
  const facts = new BinderFacts({ reEntries: registers.merchants.flatMap((m) => m.reEntries) });
  const publicChain = PUBLIC_CHAIN_IDS.has(o.chainId);
  const chain = new Map<number, ChainFacts>();
  const chainOf = async (batchIndex: number | null): Promise<ChainFacts> => {
    if (batchIndex === null) return { anchored: false, witnessed: false, independent: false };
    let known = chain.get(batchIndex);
    if (!known) {
      const batch = await store.getBatch(batchIndex);
      const anchored = batch?.status === "anchored";
      const witnessed = (await store.witnessesOf(batchIndex)).length > 0;
      // A time-stamping authority, or a public chain: a witness the operator does not control.
      known = { anchored, witnessed, independent: witnessed || (anchored && publicChain) };
      chain.set(batchIndex, known);
    }
    return known;
  };
  const since = new Date(Date.parse(o.from) - STATED_TIME_TOLERANCE_MS).toISOString();
  for (let after = -1; ;) {
    const rows = await store.search({ from: since, afterSeq: after, limit: PAGE });
    for (const row of rows) {
      const record = readStoredRecord(row);
      const at = Date.parse(occurredAt(record));
      if (at >= Date.parse(o.from) && at < Date.parse(o.to))
        facts.add(record, await chainOf(row.batch_index));
    }
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
