import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { S3FileStore } from "../../service/storage";
import { startTestS3, type TestS3 } from "../support/s3";

/** `n` MiB of bytes that differ per `seed`, streamed a MiB at a time, never whole. */
function stream(mib: number, seed: number, failAfter?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && i === failAfter)
        return void this.destroy(new Error("the client went away"));
      if (i === mib) return void this.push(null);
      this.push(Buffer.alloc(1 << 20, (seed * 31 + i++) & 0xff));
    },
  });
}

function digestOf(mib: number, seed: number): string {
  const hash = createHash("sha256");
  for (let i = 0; i < mib; i++) hash.update(Buffer.alloc(1 << 20, (seed * 31 + i) & 0xff));
  return hash.digest("hex");
}

async function read(s: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of s) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

describe("files in an S3 object store (s3rver)", function () {
  this.timeout(60_000);
  let s3: TestS3;
  let store: S3FileStore;
  const keys = async (prefix: string) => {
    const found: string[] = [];
    // Through the store's own listing of its content, and the raw listing for the rest.
    if (prefix === "sha256") for await (const d of store.digests()) found.push(d);
    return found;
  };

  before(async () => {
    s3 = await startTestS3();
    store = new S3FileStore({
      url: `s3://${s3.bucket}/ledger-a`,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      objectLock: "governance",
      retainDays: 1096,
      sweepGraceMs: 0,
      tempDir: await mkdtemp(join(tmpdir(), "s3-scratch-")),
    });
    await store.init();
  });
  after(async () => {
    store?.close();
    await s3?.stop();
  });

  it("streams an upload in parts, hashed on the way, named by its digest, stored once", async () => {
    s3.requests.length = 0;
    const first = await store.receive(stream(20, 1));
    expect(first).to.deep.equal({ sha256: digestOf(20, 1), size: 20 << 20, created: true });
    // Multipart: more than one part was sent, none larger than a part.
    const parts = s3.requests.filter((r) => r.method === "PUT" && r.url.includes("partNumber="));
    expect(parts.length).to.be.greaterThan(1);
    expect(await read((await store.openRead(first.sha256))!)).to.equal(first.sha256);
    // The object is locked until the keeping period's end, on the request that created it.
    const copy = s3.requests.find((r) => r.headers["x-amz-copy-source"] !== undefined)!;
    expect(copy.url).to.include(`/ledger-a/sha256/${first.sha256.slice(0, 2)}/${first.sha256}`);
    expect(copy.headers["x-amz-object-lock-mode"]).to.equal("GOVERNANCE");
    const until = Date.parse(String(copy.headers["x-amz-object-lock-retain-until-date"]));
    expect(until - Date.now()).to.be.closeTo(1096 * 86_400_000, 60_000);

    const again = await store.receive(stream(20, 1));
    expect(again.created).to.equal(false);
    await store.release(first.sha256, { discard: false, isReferenced: async () => true });
    await store.release(again.sha256, { discard: false, isReferenced: async () => true });
    expect(await keys("sha256")).to.deep.equal([first.sha256]);
  });

  it("leaves no object behind from a failed upload or a refused request", async () => {
    const before = await keys("sha256");
    let failure: unknown;
    await store.receive(stream(12, 2, 9)).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.include("went away");
    // A complete upload whose request was then refused: its new content goes with it.
    const refused = await store.receive(stream(3, 3));
    await store.release(refused.sha256, { discard: true, isReferenced: async () => false });
    expect(await keys("sha256")).to.deep.equal(before);
    expect(await store.sweepTemp(0)).to.equal(0); // nothing partial was left either
  });

  it("sweeps what a crash left between upload and commit, and keeps what a record holds", async () => {
    const orphan = await store.receive(stream(2, 4)); // the process dies before its commit
    const committed = await store.receive(stream(2, 5)); // … after this one's
    const swept = await store.sweepUnreferenced(async (d) => d === committed.sha256);
    expect(swept).to.equal(1);
    expect(await store.openRead(orphan.sha256)).to.equal(undefined);
    expect(await read((await store.openRead(committed.sha256))!)).to.equal(committed.sha256);
  });

  it("erases bytes, unless an upload in flight is bringing them in again", async () => {
    const kept = await store.receive(stream(1, 6));
    expect(await store.erase(kept.sha256)).to.equal(false); // held
    await store.release(kept.sha256, { discard: false, isReferenced: async () => true });
    expect(await store.erase(kept.sha256)).to.equal(true);
    expect(await store.openRead(kept.sha256)).to.equal(undefined);
    const deletion = s3.requests.filter((r) => r.method === "DELETE").pop()!;
    expect(deletion.headers["x-amz-bypass-governance-retention"]).to.equal("true");
  });
});
