import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadDeployment } from "../../service/anchoring/deployment";
import { serveHardhatChain, type RpcServer } from "../support/rpc-server";

const run = promisify(execFile);
// Hardhat's well-known first development account: public test data, holds no real value.
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("scripts/deploy.ts", () => {
  let chain: RpcServer;
  before(async () => (chain = await serveHardhatChain()));
  after(async () => chain.close());

  it("deploys to an external network from an RPC URL and a key file, never printing the key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "deploy-"));
    const keyFile = join(dir, "operator.key");
    const out = join(dir, "deployment.json");
    await writeFile(keyFile, DEV_KEY + "\n", { mode: 0o600 });
    const { stdout, stderr } = await run(
      "npx",
      ["hardhat", "run", "scripts/deploy.ts", "--network", "external"],
      {
        env: {
          ...process.env,
          DEPLOY_RPC_URL: chain.url,
          DEPLOY_KEY_FILE: keyFile,
          DEPLOYMENT_FILE: out,
        },
      },
    );
    expect(stdout + stderr).not.to.include(DEV_KEY.slice(2));

    const deployment = await loadDeployment(out);
    const provider = new JsonRpcProvider(chain.url);
    expect(deployment.chainId).to.equal("31337");
    expect(deployment.deployer).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(await provider.getCode(deployment.address)).to.have.length.greaterThan(2);
    expect((await provider.getTransactionReceipt(deployment.txHash))?.contractAddress).to.equal(
      deployment.address,
    );
    provider.destroy();
  });
});
