import type { CanonicalRecord } from "../../service/records";

let next = 0;

/** A canonical record built in memory, for pure rules (timelines, statistics) tested by vectors. */
export function makeRecord(
  kind: CanonicalRecord["kind"],
  receivedAt: string,
  metadata: Record<string, unknown> = {},
): CanonicalRecord {
  const seq = next++;
  return {
    format: "evidence-record/v1",
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    seq,
    kind,
    receivedAt,
    submitter: { keyId: "k", name: "K" },
    metadata,
    files: [],
    links: [],
    nonce: "0".repeat(32),
  };
}
