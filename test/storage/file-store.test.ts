import { expect } from "chai";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FileStore } from "../../service/storage";
import { newDataDir } from "../support/notary";

describe("content-addressed file store", () => {
  const content = "the same bytes, sent twice at once";
  const sha256 = createHash("sha256").update(content).digest("hex");

  async function storeWithTwoUploads(): Promise<{ store: FileStore; created: boolean[] }> {
    const store = new FileStore(join(await newDataDir(), "files"));
    await store.init();
    const created: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      const temp = store.tempPath();
      await writeFile(temp, content);
      created.push((await store.promote(temp, sha256)).created);
    }
    return { store, created };
  }
  const unreferenced = { isReferenced: async () => false };

  it("stores identical content once, the first upload bringing it in", async () => {
    const { store, created } = await storeWithTwoUploads();
    expect(created).to.deep.equal([true, false]);
    expect(await readFile(store.pathOf(sha256), "utf8")).to.equal(content);
    expect(await readdir(store.tempDir)).to.deep.equal([]);
  });

  it("deletes content when both uploads fail, whichever order they end in", async () => {
    const { store } = await storeWithTwoUploads();
    // The upload that brought the content fails first, while the other still holds it.
    await store.release(sha256, { discard: true, ...unreferenced });
    expect(await readFile(store.pathOf(sha256), "utf8")).to.equal(content);
    await store.release(sha256, { discard: false, ...unreferenced });
    await expect(readFile(store.pathOf(sha256))).to.be.rejectedWith(/ENOENT/);
    expect(await readdir(store.heldDir)).to.deep.equal([]);
  });

  it("keeps content a committed record references", async () => {
    const { store } = await storeWithTwoUploads();
    await store.release(sha256, { discard: true, ...unreferenced });
    await store.release(sha256, { discard: false, isReferenced: async () => true });
    expect(await readFile(store.pathOf(sha256), "utf8")).to.equal(content);
    expect(await readdir(store.heldDir)).to.deep.equal([]);
  });

  it("after a crash, sweeps held content no record references and keeps the rest", async () => {
    const { store } = await storeWithTwoUploads(); // never released: the process "crashed"
    const kept = "a record committed this one";
    const keptSha = createHash("sha256").update(kept).digest("hex");
    const temp = store.tempPath();
    await writeFile(temp, kept);
    await store.promote(temp, keptSha);

    const restarted = new FileStore(store.root);
    await restarted.init();
    expect(await restarted.sweepUnreferenced(async (d) => d === keptSha)).to.equal(1);
    await expect(readFile(store.pathOf(sha256))).to.be.rejectedWith(/ENOENT/);
    expect(await readFile(store.pathOf(keptSha), "utf8")).to.equal(kept);
    expect(await readdir(store.heldDir)).to.deep.equal([]);
    const digests: string[] = [];
    for await (const d of restarted.digests()) digests.push(d);
    expect(digests).to.deep.equal([keptSha]);
  });
});
