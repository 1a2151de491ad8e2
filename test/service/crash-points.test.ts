import { expect } from "chai";
import { exampleRecord } from "../support/http-client";
import { newDataDir, waitAnchored } from "../support/notary";
import { kill9 } from "../support/notary-process";
import { expectAllAnchoredOnce, processes, submitMany } from "../support/restart";

/** Each point the service can die at between taking a record and anchoring it (a file of its own: the slowest tests run beside the others). */
describe("kill -9 at each point between intake and anchoring (separate processes)", function () {
  this.timeout(180_000);
  const { start } = processes();

  for (const point of [
    "after-intake-commit",
    "after-batch-cut",
    "after-anchor-signed",
    "after-anchor-sent",
  ]) {
    it(`anchors every accepted record exactly once after kill -9 ${point.replace(/-/g, " ")}`, async () => {
      const dir = await newDataDir();
      const healthy = await start(dir);
      const ids = await submitMany(healthy, 2);
      await Promise.all(ids.map((id) => waitAnchored(healthy.client, id)));
      await kill9(healthy);

      const doomed = await start(dir, { NOTARY_FAILPOINTS: point });
      const answer = await doomed.client
        .postRecord(await exampleRecord("evidence"), [{ name: "b.txt", content: `crash ${point}` }])
        .catch(() => undefined);
      await doomed.exited;
      expect(doomed.child.signalCode).to.equal("SIGKILL");
      // At "after-intake-commit" the client never heard back, yet the record was committed.
      const acceptedId = (answer?.body as { id?: string } | undefined)?.id;

      const restarted = await start(dir);
      const later = await submitMany(restarted, 1);
      const receipts = await expectAllAnchoredOnce(restarted, [
        ...ids,
        ...(acceptedId ? [acceptedId] : []),
        ...later,
      ]);
      const info = (await restarted.client.get("/v1/ledger")).body as { nextSeq: number };
      expect(info.nextSeq).to.equal(4);
      expect(receipts.map((r) => r.record.seq).sort()).to.deep.equal(
        acceptedId ? [0, 1, 2, 3] : [0, 1, 3],
      );
    });
  }
});
