/**
 * Deploys EvidenceLedger to a network of hardhat.config.ts and writes the deployment record.
 *
 *   npx hardhat run scripts/deploy.ts                       # in-process Hardhat network
 *   DEPLOY_RPC_URL=… DEPLOY_KEY_FILE=… npx hardhat run scripts/deploy.ts --network external
 *
 * The record goes to DEPLOYMENT_FILE, or deployments/<network>.json.
 */
import hre from "hardhat";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { deployLedger, saveDeployment } from "../service/anchoring/deployment";

async function main(): Promise<void> {
  const [signer] = await hre.ethers.getSigners();
  if (!signer) throw new Error(`network ${hre.network.name} has no account: set DEPLOY_KEY_FILE`);
  const deployment = await deployLedger(signer);
  const file = process.env.DEPLOYMENT_FILE ?? join("deployments", `${hre.network.name}.json`);
  await mkdir(dirname(file), { recursive: true });
  await saveDeployment(file, deployment);
  console.log(
    `EvidenceLedger at ${deployment.address} on chain ${deployment.chainId}, block ${deployment.blockNumber}`,
  );
  console.log(`deployment written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
