import { getCreateAddress, Transaction, Wallet } from "ethers";
import type { ChainConnection } from "../../service/chain";

/** Hardhat's first development account, funded on the embedded chain. */
const FUNDER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * Deploys `runtime` (hex) as a contract's code on the embedded chain, through the chain's own
 * broadcast (it mines only what is journaled), and returns its address.
 */
export async function deployRuntimeCode(chain: ChainConnection, runtime: string): Promise<string> {
  const bytes = (runtime.length - 2) / 2;
  if (bytes > 255) throw new Error("runtime code longer than this init code copies");
  const size = bytes.toString(16).padStart(2, "0");
  // Init code: CODECOPY the runtime after these 12 bytes to memory 0, RETURN it.
  const init = `0x60${size}600c60003960${size}6000f3${runtime.slice(2)}`;
  const funder = new Wallet(FUNDER, chain.provider);
  const fees = await chain.provider.getFeeData();
  const raw = await funder.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: await chain.provider.getTransactionCount(funder.address, "pending"),
    data: init,
    gasLimit: 200_000n,
    maxFeePerGas: fees.maxFeePerGas ?? 1n,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
  });
  await chain.broadcast(raw);
  return getCreateAddress({ from: funder.address, nonce: Transaction.from(raw).nonce });
}
