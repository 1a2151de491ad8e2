import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getBytes, Wallet } from "ethers";
import { verifyReceipt } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";
import { exampleRecord } from "../support/http-client";
import { auditNotary, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

/**
 * A ledger that issued v1 receipts before this version: its records were signed over the leaf
 * hash alone (EIP-191), with deadlines in milliseconds, and the migration marks them so. They
 * keep being served as v1 receipts that verify, and audit clean; new records get v2.
 */
describe("a ledger with records from before receipt v2", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let oldId: string;

  before(async () => {
    notary = await startTestNotary({ BATCH_MAX_WAIT_MS: "100" });
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "old.txt", content: "issued under v1" },
    ]);
    oldId = (answer.body as { id: string }).id;
    await waitAnchored(notary.client, oldId);
    // Make it what a v1 service wrote, with the operator's own key.
    const operator = new Wallet(
      (await readFile(join(notary.dataDir, "keys", "operator.key"), "utf8")).trim(),
    );
    const row = await notary.store.getRecordRow(oldId);
    await notary.store.db
      .updateTable("records")
      .set({
        intake_statement: 1,
        signature: operator.signMessageSync(getBytes(`0x${row!.leaf_hash}`)),
        anchor_deadline: new Date(Date.parse(row!.anchor_deadline) - 123).toISOString(),
      })
      .where("id", "=", oldId)
      .execute();
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

  it("issues v2 for new records, and the audit finds nothing wrong with either", async () => {
    const answer = await notary.client.postRecord(await exampleRecord("filing"));
    const receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
    expect(receipt.format).to.equal("evidence-receipt/v2");
    expect(receipt.intake.anchorDeadline).to.match(/:\d{2}\.000Z$/);
    const report = await auditNotary(notary);
    expect(report.discrepancies).to.deep.equal([]);
  });
});
