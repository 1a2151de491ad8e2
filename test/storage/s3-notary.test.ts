import { expect } from "chai";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { providerChainReader } from "../../service/chain-reader";
import { verifyReceipt } from "../../service/verify";
import { exampleRecord } from "../support/http-client";
import { auditNotary, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { startTestS3, type TestS3 } from "../support/s3";

/** The service with FILE_STORE_URL: every path that reads or writes a file goes to the bucket. */
describe("a notary keeping its files in an S3 object store", function () {
  this.timeout(120_000);
  let s3: TestS3;
  let notary: TestNotary;
  const content = Buffer.from(`a listing's screen capture ${"·".repeat(4096)}`);
  const sha256 = createHash("sha256").update(content).digest("hex");

  before(async () => {
    s3 = await startTestS3();
    notary = await startTestNotary({ ...s3.env("ledger"), S3_SWEEP_GRACE_MS: "0" });
  });
  after(async () => {
    await notary?.stop();
    await s3?.stop();
  });

  it("takes uploads into the bucket, serves, bundles and audits them from there", async () => {
    const answer = await notary.client.postRecord(
      { ...(await exampleRecord("evidence")), personalFiles: ["face.png"] },
      [
        { name: "capture.png", content },
        { name: "face.png", content: "a face 8c1f" },
      ],
    );
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const id = (answer.body as { id: string }).id;
    const receipt = await waitAnchored(notary.client, id);
    const checked = await verifyReceipt({
      receipt,
      fileDigests: [sha256],
      chain: providerChainReader(notary.chain.provider),
    });
    expect(checked.verdict).to.equal("valid");
    // Nothing on the local disk: the bytes are objects, named by their digest.
    expect(await readdir(join(notary.dataDir, "files")).catch(() => [])).to.deep.equal([]);
    const stored: string[] = [];
    for await (const d of notary.files.digests()) stored.push(d);
    expect(stored).to.include(sha256);
    expect(
      s3.requests.some(
        (r) =>
          r.method === "PUT" && r.url.includes(`/ledger/sha256/${sha256.slice(0, 2)}/${sha256}`),
      ),
    ).to.equal(true);

    const download = await notary.client.getBytes(`/v1/records/${id}/files/${sha256}`);
    expect(download.status).to.equal(200);
    expect(download.bytes.equals(content)).to.equal(true);
    const bundle = await notary.client.getBytes(`/v1/records/${id}/bundle`);
    expect(bundle.status).to.equal(200);
    expect(bundle.bytes.includes(Buffer.from(`files/${id}/capture.png`))).to.equal(true);
    expect((await auditNotary(notary)).discrepancies).to.deep.equal([]);

    // Erasing the personal file deletes its object; the audit tells erased from missing.
    const erased = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "the person shown asked",
      legalBasis: "PIPL art. 47(1)",
      files: ["face.png"],
    });
    expect(erased.status, JSON.stringify(erased.body)).to.equal(201);
    const face = createHash("sha256").update("a face 8c1f").digest("hex");
    expect(await notary.files.openRead(face)).to.equal(undefined);
    const audit = await auditNotary(notary);
    expect(audit.discrepancies).to.deep.equal([]);
    expect(audit.counted.erasedFiles).to.equal(1);
  });

  it("leaves no object behind from a refused upload", async () => {
    const before: string[] = [];
    for await (const d of notary.files.digests()) before.push(d);
    const refused = await notary.client.postRecord({ kind: "evidence", metadata: {} }, [
      { name: "x.bin", content: "refused bytes 8c1f" },
    ]);
    expect(refused.status).to.equal(400);
    const after: string[] = [];
    for await (const d of notary.files.digests()) after.push(d);
    expect(after.sort()).to.deep.equal(before.sort());
  });
});
