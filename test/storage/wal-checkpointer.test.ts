import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const CHURN = join(__dirname, "../support/checkpointer-churn.ts");

describe("WalCheckpointer", () => {
  it("stops at any moment, even while its worker opens connections, without aborting the process", function () {
    this.timeout(120_000);
    const child = spawnSync(
      process.execPath,
      // ts-node's own runner, not `-r`: workers inherit execArgv, and a worker that loads
      // TypeScript first would rarely be stopped while it opens its connections.
      [require.resolve("ts-node/dist/bin"), "--transpile-only", CHURN, "80"],
      { encoding: "utf8", timeout: 110_000 },
    );
    expect({ status: child.status, signal: child.signal, out: child.stdout }).to.deep.equal({
      status: 0,
      signal: null,
      out: "stopped 80\n",
    });
  });
});
