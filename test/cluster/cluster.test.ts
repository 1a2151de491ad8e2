import { expect } from "chai";
import { runClusterDrill } from "../../scripts/cluster";

/**
 * DESIGN §8 held to account: three replicas on one PostgreSQL, one S3 bucket (s3rver) and one
 * public chain (anvil), intake spread over all three, the anchorer's holder killed with
 * SIGKILL under load (the drill `npm run cluster` runs, smaller).
 */
describe("three replicas, the anchorer killed under load", function () {
  this.timeout(240_000);

  it("anchors every acknowledged record once, verifiably, and leaves nothing behind", async () => {
    const leaseMs = 2_000;
    const result = await runClusterDrill({
      replicas: 3,
      records: 120,
      killAfter: 40,
      leaseMs,
      clients: 4,
      built: true,
    });
    expect(result.acknowledged).to.equal(120);
    expect(result.killed, "the anchorer's holder was killed").to.be.a("string");
    // Another replica took the anchorer within the lease and one renewal interval.
    expect(result.failoverMs)
      .to.be.a("number")
      .and.below(leaseMs + leaseMs / 3 + 500);
    expect(result.verifiedReceipts).to.equal(result.acknowledged);
    expect(result.auditDiscrepancies).to.deep.equal([]);
    // Every batch the ledger holds is on chain once: the contract refuses a second.
    expect(result.batchesOnChain).to.equal(result.batches);
    expect(result.objectsInBucket).to.equal(result.acknowledged);
    expect(result.unreferencedObjects).to.equal(0);
  });
});
