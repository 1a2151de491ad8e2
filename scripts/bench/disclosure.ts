/**
 * What committing to personal values costs per record (DESIGN §7): the example notice's
 * personal fields taken out as SD-JWT disclosures with fresh salts, and revealed back.
 */
import { readFile } from "node:fs/promises";
import {
  commitPersonal,
  isPersonalField,
  revealDisclosed,
  type Json,
} from "../../service/disclosure";
import { nativeSha256 } from "../../service/fingerprint";
import { nextSalt } from "../../service/intake/salts";
import { runBenchmark } from "./harness";
import { millis, report } from "./report";

const ROUNDS = 20_000;

async function main(): Promise<void> {
  const notice = JSON.parse(await readFile("examples/records/notice.json", "utf8")) as {
    metadata: { [key: string]: Json };
  };
  // As intake commits: salts drawn in blocks, Node's native SHA-256.
  const commit = () => commitPersonal(notice.metadata, personal, nextSalt, nativeSha256);
  const personal = (path: readonly (string | number)[], parent: Json) =>
    isPersonalField("notice", path, parent);
  let committed = commit();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) committed = commit();
  const commitMs = millis(start) / ROUNDS;
  const disclosures = committed.disclosures.map((d) => d.disclosure);
  const revealStart = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) revealDisclosed(committed.committed, disclosures);
  const revealMs = millis(revealStart) / ROUNDS;
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
  report({
    case: "personal data committed (example notice)",
    metric: `commit ${disclosures.length} values / reveal them, per record`,
    value: `${(commitMs * 1000).toFixed(0)} µs / ${(revealMs * 1000).toFixed(0)} µs`,
  });
  report({
    case: "personal data committed (example notice)",
    metric: "metadata bytes: as sent / committed / disclosures",
    value: `${bytes(notice.metadata)} / ${bytes(committed.committed)} / ${disclosures.join("").length}`,
  });
}

runBenchmark(main);
