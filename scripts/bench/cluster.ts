/**
 * The production shape measured (DESIGN §8): intake over 1, 2 and 3 replicas on one PostgreSQL,
 * an s3rver bucket and anvil; the anchorer's failover after SIGKILL; and an upload streamed to
 * the bucket against `openssl dgst` hashing the same file, in the same run.
 */
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { S3FileStore } from "../../service/storage";
import { startTestS3 } from "../../test/support/s3";
import { runClusterDrill } from "../cluster";
import { runBenchmark, writeRandomFile } from "./harness";
import { millis, report } from "./report";

const RECORDS = 400;
const CLIENTS = 16;

async function main(): Promise<void> {
  for (const replicas of [1, 2, 3]) {
    const result = await runClusterDrill({
      replicas,
      records: RECORDS,
      leaseMs: 3_000,
      clients: CLIENTS,
      built: true,
    });
    report({
      case: `cluster intake, ${replicas} replica(s)`,
      metric: `records/s, ${CLIENTS} clients spread over the replicas (one file each)`,
      value: result.recordsPerSecond.toFixed(0),
    });
  }
  const drill = await runClusterDrill({
    replicas: 3,
    records: RECORDS,
    killAfter: RECORDS / 4,
    leaseMs: 3_000,
    clients: CLIENTS,
    built: true,
  });
  report({
    case: "cluster failover (LEASE_MS 3000)",
    metric: "kill -9 of the anchorer → another holds it / anchors its first batch",
    value: `${drill.failoverMs} ms / ${drill.anchoringResumedMs} ms`,
    goal: "≤ LEASE_MS + LEASE_MS/3",
  });

  const s3 = await startTestS3();
  const dir = await mkdtemp(join(tmpdir(), "bench-s3-"));
  try {
    const file = join(dir, "upload.bin");
    const size = 512 * 2 ** 20;
    await writeRandomFile(file, size);
    const store = new S3FileStore({
      url: `s3://${s3.bucket}/bench`,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      retainDays: 1,
      sweepGraceMs: 0,
      tempDir: dir,
    });
    for (let round = 0; round < 2; round++) {
      const opensslStart = process.hrtime.bigint();
      await promisify(execFile)("openssl", ["dgst", "-sha256", file]);
      const opensslMs = millis(opensslStart);
      const start = process.hrtime.bigint();
      const stored = await store.receive(createReadStream(file, { highWaterMark: 1 << 20 }));
      const uploadMs = millis(start);
      await store.release(stored.sha256, { discard: true, isReferenced: async () => false });
      report({
        case: "upload to s3rver, 512 MiB (round " + (round + 1) + ")",
        metric: "streamed, hashed, multipart, copied to its digest / openssl dgst -sha256 alone",
        value: `${(size / 2 ** 20 / (uploadMs / 1000)).toFixed(0)} MiB/s / ${(size / 2 ** 20 / (opensslMs / 1000)).toFixed(0)} MiB/s`,
      });
    }
    store.close();
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
