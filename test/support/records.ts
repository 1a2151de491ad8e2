import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordKind, RecordOf } from "../../service/records";

let next = 0;

/** Each kind's example metadata (examples/records/), read once. */
const examples = new Map<RecordKind, Record<string, unknown>>();
function exampleMetadata(kind: RecordKind): Record<string, unknown> {
  if (kind === "export") return {};
  let metadata = examples.get(kind);
  if (!metadata) {
    const file = join(__dirname, "..", "..", "examples", "records", `${kind}.json`);
    metadata = (JSON.parse(readFileSync(file, "utf8")) as { metadata: Record<string, unknown> })
      .metadata;
    examples.set(kind, metadata);
  }
  return structuredClone(metadata);
}

/**
 * A canonical record built in memory, for pure rules (timelines, statistics) tested by vectors:
 * the kind's example metadata with the fields the test is about replaced (or, given as
 * undefined, removed).
 */
export function makeRecord<K extends RecordKind>(
  kind: K,
  receivedAt: string,
  fields: Record<string, unknown> = {},
): RecordOf<K> {
  const seq = next++;
  const metadata: Record<string, unknown> = { ...exampleMetadata(kind), ...fields };
  // A field given as undefined is one the test wants absent, though the example has it.
  for (const [key, value] of Object.entries(metadata))
    if (value === undefined) delete metadata[key];
  return {
    format: "evidence-record/v1",
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    seq,
    kind,
    receivedAt,
    submitter: { keyId: "k", name: "K" },
    // The test names only what its rule reads; the rest is the example's.
    metadata,
    files: [],
    links: [],
    nonce: "0".repeat(32),
  } as unknown as RecordOf<K>;
}
