import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import type { Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { newDataDir, waitAnchored } from "../support/notary";
import { checkAnchoredReceipt } from "../support/receipt-check";
import { expectAllAnchoredOnce, processes, submitMany } from "../support/restart";

describe("restarts and crashes (separate processes)", function () {
  this.timeout(180_000);
  const { start } = processes();

  it("keeps old receipts verifiable and seq gap-free across a graceful restart", async () => {
    const dir = await newDataDir();
    const first = await start(dir);
    const ids = await submitMany(first, 3);
    const before = await Promise.all(ids.map((id) => waitAnchored(first.client, id)));
    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);

    const second = await start(dir);
    const later = await submitMany(second, 2);
    const receipts = await expectAllAnchoredOnce(second, [...ids, ...later]);
    expect(receipts.map((r) => r.record.seq)).to.deep.equal([0, 1, 2, 3, 4]);
    // The receipts issued before the restart verify, as they were, against the replayed chain.
    const provider = new JsonRpcProvider(second.rpcUrl!, undefined, { staticNetwork: true });
    for (const r of before) expect(await checkAnchoredReceipt(r, provider)).to.deep.equal([]);
    provider.destroy();
  });

  it("flushes the open batch on SIGTERM", async () => {
    const dir = await newDataDir();
    // A batch that would wait an hour: only the shutdown flush can anchor it.
    const first = await start(dir, { BATCH_MAX_WAIT_MS: "3600000" });
    const ids = await submitMany(first, 2);
    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);
    const again = await start(dir, { BATCH_MAX_WAIT_MS: "3600000" });
    const receipts = await Promise.all(
      ids.map((id) => again.client.get(`/v1/records/${id}/receipt`)),
    );
    expect(receipts.map((r) => (r.body as Receipt).status)).to.deep.equal(["anchored", "anchored"]);
  });

  it("anchors every record accepted before a kill -9 during a burst of uploads", async () => {
    const dir = await newDataDir();
    const notary = await start(dir, { BATCH_MAX_RECORDS: "7" });
    const accepted: string[] = [];
    const uploads = Array.from({ length: 40 }, async (_, i) => {
      const answer = await notary.client
        .postRecord(await exampleRecord("evidence"), [{ name: "c.txt", content: `burst ${i}` }])
        .catch(() => undefined);
      if (answer?.status === 201) accepted.push((answer.body as { id: string }).id);
    });
    setTimeout(() => notary.child.kill("SIGKILL"), 150);
    await Promise.all(uploads);
    await notary.exited;

    const restarted = await start(dir, { BATCH_MAX_RECORDS: "7" });
    const info = (await restarted.client.get("/v1/ledger")).body as { nextSeq: number };
    expect(info.nextSeq).to.be.at.least(accepted.length);
    const later = await submitMany(restarted, 1);
    await expectAllAnchoredOnce(restarted, [...accepted, ...later]);
  });
});
