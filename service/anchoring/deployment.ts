import { readFile, rename, writeFile } from "node:fs/promises";
import {
  type AbstractProvider,
  formatEther,
  formatUnits,
  keccak256,
  type Signer,
  type Wallet,
} from "ethers";
import { LedgerError } from "../errors";
import { z } from "zod";
import { EvidenceLedger__factory } from "../../typechain-types";

/** Where an EvidenceLedger lives: what a verifier needs to find an operator's batches. */
export const DeploymentSchema = z.object({
  format: z.literal("evidence-ledger-deployment/v1"),
  chainId: z.string().regex(/^\d+$/),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  blockNumber: z.number().int().nonnegative(),
  txHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  deployer: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  deployedAt: z.string(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

export async function deployLedger(signer: Signer): Promise<Deployment> {
  const contract = await new EvidenceLedger__factory(signer).deploy();
  const tx = contract.deploymentTransaction();
  const receipt = await tx?.wait();
  if (!tx || !receipt) throw new Error("deployment transaction was not mined");
  const network = await signer.provider!.getNetwork();
  const block = await receipt.getBlock();
  return {
    format: "evidence-ledger-deployment/v1",
    chainId: network.chainId.toString(),
    address: await contract.getAddress(),
    blockNumber: receipt.blockNumber,
    txHash: receipt.hash,
    deployer: await signer.getAddress(),
    deployedAt: new Date(block.timestamp * 1000).toISOString(),
  };
}

/** Writes atomically: a crash never leaves a half-written deployment file behind. */
export async function saveDeployment(file: string, deployment: Deployment): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(deployment, null, 2) + "\n");
  await rename(temporary, file);
}

export async function loadDeployment(file: string): Promise<Deployment> {
  return DeploymentSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

/**
 * Deploys with a locally signed transaction sent through `broadcast`, the path every ledger
 * transaction takes (on the embedded chain it is how the block gets journaled).
 */
export async function deployLedgerSigned(
  wallet: Wallet,
  provider: AbstractProvider,
  broadcast: (rawTx: string) => Promise<void>,
): Promise<Deployment> {
  const { chainId } = await provider.getNetwork();
  const request = await new EvidenceLedger__factory().getDeployTransaction();
  const [nonce, fees, gas, balance] = await Promise.all([
    provider.getTransactionCount(wallet.address, "pending"),
    provider.getFeeData(),
    provider.estimateGas({ ...request, from: wallet.address }),
    provider.getBalance(wallet.address),
  ]);
  const gasLimit = (gas * 5n) / 4n;
  const maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 1n;
  const cost = gasLimit * maxFeePerGas;
  // The node's own refusal is a wall of hex; say what to do instead.
  if (balance < cost)
    throw new LedgerError(
      "OPERATOR_UNFUNDED",
      `the operator ${wallet.address} holds ${formatEther(balance)} on chain ${chainId}; deploying the ledger ` +
        `needs about ${formatEther(cost)} (${gasLimit} gas at ${formatUnits(maxFeePerGas, "gwei")} gwei), ` +
        `and each anchor then about 86,000 gas (138,000 for the first): fund the address and start again`,
      {
        details: { operator: wallet.address, balance: balance.toString(), needed: cost.toString() },
      },
    );
  const rawTx = await wallet.signTransaction({
    ...request,
    type: 2,
    chainId,
    nonce,
    gasLimit,
    maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
  });
  await broadcast(rawTx);
  const receipt = await provider.waitForTransaction(keccak256(rawTx), 1, 5 * 60_000);
  if (!receipt?.contractAddress || receipt.status !== 1)
    throw new Error("the ledger deployment was not mined");
  const block = await provider.getBlock(receipt.blockNumber);
  return {
    format: "evidence-ledger-deployment/v1",
    chainId: chainId.toString(),
    address: receipt.contractAddress,
    blockNumber: receipt.blockNumber,
    txHash: receipt.hash,
    deployer: wallet.address,
    deployedAt: new Date((block?.timestamp ?? 0) * 1000).toISOString(),
  };
}
