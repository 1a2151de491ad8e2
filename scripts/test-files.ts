import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Files whose tests bound a time the service keeps under load (the anchoring lag on slow
 * blocks): run alone after the parallel pass, on an idle machine, so four files sharing two
 * cores do not move what they measure. `--serial` prints these.
 */
const ALONE = ["test/anchoring/anvil.test.ts"];

/**
 * The test files for `npm test`'s parallel pass, the slowest first. `mocha --parallel` hands
 * files to its workers in the order given; a long file handed out last would run on alone at
 * the end. Measured in a parallel run; a file not named here runs in the order found.
 */
const SLOWEST_FIRST = [
  "test/service/crash-points.test.ts",
  "test/verify-page/vectors.test.ts",
  "test/service/restart.test.ts",
  "test/verify/vectors-v3.test.ts",
  "test/verify/vectors-v2.test.ts",
  "test/verify/vectors-v1.test.ts",
  "test/verify/verifier.test.ts",
  "test/capture/captures-api.test.ts",
  "test/witnesses/tsa-witness.test.ts",
  "test/verify-page/page.test.ts",
  "test/http/openapi-fuzz.test.ts",
  "test/exports/export.test.ts",
  "test/service/chain-only.test.ts",
  "test/service/start-refusals.test.ts",
  "test/audit/audit.test.ts",
  "test/cluster/cluster.test.ts",
];

const ROOT = join(__dirname, "..");

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? testFiles(join(dir, entry.name))
        : entry.name.endsWith(".test.ts")
          ? [relative(ROOT, join(dir, entry.name))]
          : [],
    )
    .sort();
}

const all = testFiles(join(ROOT, "test"));
const gone = [...SLOWEST_FIRST, ...ALONE].filter((f) => !all.includes(f));
if (gone.length > 0) throw new Error(`scripts/test-files.ts names files that are gone: ${gone}`);
const parallel = [
  ...SLOWEST_FIRST,
  ...all.filter((f) => !SLOWEST_FIRST.includes(f) && !ALONE.includes(f)),
];
process.stdout.write((process.argv.includes("--serial") ? ALONE : parallel).join("\n"));
