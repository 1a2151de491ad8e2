import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

/**
 * A real full disk: the data directory is a small tmpfs (mounting needs root, which CI has),
 * filled to the last byte by a filler file.
 */
describe("a full disk", function () {
  this.timeout(120_000);
  let mountPoint: string;
  let notary: TestNotary;
  const accepted: string[] = [];

  before(async function () {
    mountPoint = await mkdtemp(join(tmpdir(), "full-disk-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", mountPoint], {
        stdio: "ignore",
      });
    } catch {
      // Only a machine where this process may not mount (not root) lands here; CI runs as root.
      return this.skip();
    }
    notary = await startTestNotary({ MIN_FREE_BYTES: String(2 ** 20) }, mountPoint);
    for (const kind of ["evidence", "filing"]) {
      const answer = await notary.client.postRecord(await exampleRecord(kind), [
        { name: `${kind}.txt`, content: `kept ${kind}` },
      ]);
      expect(answer.status).to.equal(201);
      accepted.push((answer.body as { id: string }).id);
    }
    for (const id of accepted) await waitAnchored(notary.client, id);
  });
  after(async () => {
    await notary?.stop();
    execFileSync("umount", ["-l", mountPoint], { stdio: "ignore" });
    await rm(mountPoint, { recursive: true, force: true });
  });

  const filler = () => join(mountPoint, "filler");
  const fill = async () => {
    // Fill in decreasing pieces until not even 4 KiB fits.
    for (let size = 64 * 2 ** 20, i = 0; size >= 4096; size /= 2) {
      while (true) {
        const part = `${filler()}-${i++}`;
        try {
          await writeFile(part, Buffer.alloc(size));
        } catch {
          await rm(part, { force: true });
          break;
        }
      }
    }
  };
  const unfill = async () => {
    for (const name of await readdir(mountPoint))
      if (name.startsWith("filler")) await rm(join(mountPoint, name));
  };

  const freeBytes = async () => {
    const s = await statfs(mountPoint);
    return s.bavail * s.bsize;
  };
  const expectRefusedWhole = async (size: number) => {
    const seqBefore = await notary.store.nextSeq();
    const upload = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "over.bin", content: new Uint8Array(size).fill(9) },
    ]);
    expect(upload.status, JSON.stringify(upload.body)).to.equal(507);
    expect((upload.body as { error: { code: string } }).error.code).to.equal("STORAGE_FULL");
    expect(await notary.store.nextSeq()).to.equal(seqBefore);
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]);
  };

  it("refuses with 507 a file 4 KiB larger than the free space, never acknowledging it short", async () => {
    await expectRefusedWhole((await freeBytes()) + 4096);
  });

  it("refuses with 507 a file far larger than the free space", async () => {
    await expectRefusedWhole((await freeBytes()) * 2 + 2 ** 20);
  });

  it("answers 507 STORAGE_FULL with Retry-After, keeps nothing of the refused and all it had acknowledged", async () => {
    await fill();
    const seqBefore = await notary.store.nextSeq();
    const upload = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "big.bin", content: new Uint8Array(2 ** 20).fill(7) },
    ]);
    expect(upload.status, JSON.stringify(upload.body)).to.equal(507);
    expect((upload.body as { error: { code: string } }).error.code).to.equal("STORAGE_FULL");
    expect(upload.headers.get("retry-after")).to.equal("60");
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]);

    const ready = await notary.client.get("/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.include({ status: "degraded" });
    expect((ready.body as { storage: { full: boolean } }).storage.full).to.equal(true);

    // Records without files need the database's space: refused as well, or, if SQLite still had
    // room in its pages, accepted whole. Never a 500, never a half-kept record.
    let jsonAnswers = 0;
    for (let i = 0; i < 200; i++) {
      const json = await notary.client.postJson("/v1/records", await exampleRecord("filing"));
      expect([201, 507], JSON.stringify(json.body)).to.include(json.status);
      jsonAnswers++;
      if (json.status === 507) break;
    }
    expect(jsonAnswers).to.be.greaterThan(0);

    await unfill();
    expect(
      ((await notary.client.get("/readyz")).body as { storage: { full: boolean } }).storage.full,
    ).to.equal(false);
    const after = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "after.txt", content: "after the disk was freed" },
    ]);
    expect(after.status).to.equal(201);
    const seqAfter = (after.body as { receipt: { record: { seq: number } } }).receipt.record.seq;
    expect(seqAfter).to.be.at.least(seqBefore);
    // Every record acknowledged before, during and after is there, in a gap-free sequence.
    for (const id of [...accepted, (after.body as { id: string }).id])
      expect((await notary.client.get(`/v1/records/${id}`)).status).to.equal(200);
    await waitAnchored(notary.client, (after.body as { id: string }).id);
    const audit = await notary.client.get("/v1/audit");
    expect((audit.body as { discrepancies: unknown[] }).discrepancies).to.deep.equal([]);
  });
});
