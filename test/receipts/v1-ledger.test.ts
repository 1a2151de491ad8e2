import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { getBytes, Wallet } from "ethers";
import {
  derivedRowsOf,
  leafHashOfRecord,
  toCanonicalBytes,
  type TypedRecord,
} from "../../service/records";
import { toDerivedTables } from "../../service/storage";
import { verifyReceipt } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";
import { exampleRecord } from "../support/http-client";
import { auditNotary, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

/**
 * A ledger that issued v1 receipts before this version: its records (evidence-record/v1, their
 * values in the clear) were signed over the leaf hash alone (EIP-191), with deadlines in
 * milliseconds, and the migration marks them so. They keep being served as v1 receipts that
 * verify, and audit clean; new records are v2 and get v3 receipts.
 */
describe("a ledger with records from before receipt v2", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let oldId: string;

  before(async () => {
    notary = await startTestNotary({ BATCH_MAX_WAIT_MS: "100" });
    // Written as a v1 service wrote it, with the operator's own key, then anchored by this one.
    const operator = new Wallet(
      (await readFile(join(notary.dataDir, "keys", "operator.key"), "utf8")).trim(),
    );
    const { kind, metadata } = (await exampleRecord("filing")) as Pick<
      TypedRecord,
      "kind" | "metadata"
    >;
    oldId = randomUUID();
    await notary.store.transaction(async (tx) => {
      const seq = await notary.store.reserveSeqs(tx, 1);
      const record = {
        format: "evidence-record/v1",
        id: oldId,
        seq,
        kind,
        receivedAt: new Date().toISOString(),
        submitter: { keyId: "initial", name: "initial platform key" },
        metadata,
        files: [],
        links: [],
        nonce: randomBytes(16).toString("hex"),
      } as TypedRecord;
      const leaf = Buffer.from(leafHashOfRecord(record)).toString("hex");
      await notary.store.insertRecords(tx, [
        {
          record: {
            id: oldId,
            seq,
            kind,
            received_at: record.receivedAt,
            submitter_key: "initial",
            canonical: new TextDecoder().decode(toCanonicalBytes(record)),
            leaf_hash: leaf,
            signature: operator.signMessageSync(getBytes(`0x${leaf}`)),
            // v1 signed no deadline: it kept milliseconds.
            anchor_deadline: new Date(Math.floor(Date.now() / 1000) * 1000 + 60_123).toISOString(),
            intake_statement: 1,
          },
          ...toDerivedTables(oldId, derivedRowsOf(record)),
        },
      ]);
    });
  });
  after(async () => notary?.stop());

  it("serves the old record's receipt as v1, and it verifies", async () => {
    const receipt = await waitAnchored(notary.client, oldId);
    expect(receipt.format).to.equal("evidence-receipt/v1");
    expect(receipt.intake.anchorDeadline).to.match(/\.\d{2}[1-9]Z$/);
    const result = await verifyReceipt({
      receipt,
      fileDigests: [],
      chain: providerChainReader(notary.chain.provider),
    });
    expect(result.verdict, JSON.stringify(result.steps)).to.equal("valid");
    expect((await notary.client.get(`/v1/records/${oldId}`)).status).to.equal(200);
  });

  it("issues v3 for new records, and the audit finds nothing wrong with either", async () => {
    const answer = await notary.client.postRecord(await exampleRecord("filing"));
    const receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
    expect(receipt.format).to.equal("evidence-receipt/v3");
    expect(receipt.intake.anchorDeadline).to.match(/:\d{2}\.000Z$/);
    const report = await auditNotary(notary);
    expect(report.discrepancies).to.deep.equal([]);
    // The old record holds its personal values in the clear: the audit counts it.
    expect(report.counted.clearRecords).to.equal(1);
    expect(report.counted.clearRecordIds).to.have.length(1);
  });
});
