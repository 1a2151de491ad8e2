import type { RecordKind } from "./kinds";
import type { MetadataOf, TypedRecord } from "./typed";

/** How far ahead of the receipt a stated time may be: clocks differ by seconds. */
export const STATED_TIME_TOLERANCE_MS = 5 * 60_000;

type Stated = { [K in RecordKind]: { kind: K; metadata: MetadataOf<K> } }[RecordKind];

/**
 * The time a record states for what it records, if its kind states one: a measure when it took
 * effect, evidence when it was captured, a training or campaign action on its day, a penalty
 * when it was decided, a commitment when it was signed, a mediation step when it happened. A
 * day is a day in China (its start, UTC+8), the calendar the records' dates are written in.
 * Intake refuses one later than the receipt by more than
 * `STATED_TIME_TOLERANCE_MS` (`RECORD_DATE_IN_FUTURE`): a record states what has
 * happened. Not a directory's `effectiveFrom`: a version may be published ahead of the day it
 * applies from, and it is a fact of the ledger from its publication.
 */
export function statedDate(record: Stated): { field: string; at: string } | undefined {
  const day = (field: string, date: string | undefined) =>
    date === undefined ? undefined : { field, at: `${date}T00:00:00+08:00` };
  const instant = (field: string, at: string | undefined) =>
    at === undefined ? undefined : { field, at };
  switch (record.kind) {
    case "action":
      return instant("effectiveAt", record.metadata.effectiveAt);
    case "evidence":
      return instant("collection.capturedAt", record.metadata.collection?.capturedAt);
    case "mediation":
      return instant("at", record.metadata.at);
    case "activity":
    case "campaign":
      return day("on", record.metadata.on);
    case "penalty_decision":
      return day("decidedOn", record.metadata.decidedOn);
    case "commitment":
      return day("signedAt", record.metadata.signedAt);
    default:
      return undefined;
  }
}

/**
 * When what a record records took place (ISO 8601, UTC): its stated time, else when it reached
 * the platform, which for a notice, declaration or report is when the service received it. A
 * period's report (the GB/T 39550 binder) counts records by this, not by when they were
 * notarised: a December training notarised in January is December's. A stated value erased
 * since (its disclosure deleted) leaves the receipt time.
 */
export function occurredAt(record: TypedRecord): string {
  const stated = statedDate(record);
  return stated ? new Date(stated.at).toISOString() : record.receivedAt;
}
