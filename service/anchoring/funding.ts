import type { AbstractProvider } from "ethers";

/**
 * Gas of one anchor, rounded up: 86,242 for a later batch, 137,530 for an operator's first
 * (measured by `npm run bench`). Enough to say how many anchors a balance still pays for.
 */
const ANCHOR_GAS = 100_000n;

export interface Funding {
  /** The operator's balance, in wei, as a decimal string (JSON has no big integers). */
  balanceWei: string;
  /** About how many anchors the balance pays for at the chain's current fees. */
  anchorsLeft: number;
}

/** What the operator's balance still pays for: a public chain charges every anchor. */
export async function fundingOf(provider: AbstractProvider, operator: string): Promise<Funding> {
  const [balance, fees] = await Promise.all([provider.getBalance(operator), provider.getFeeData()]);
  const perAnchor = ANCHOR_GAS * (fees.maxFeePerGas ?? fees.gasPrice ?? 1n);
  return {
    balanceWei: balance.toString(),
    anchorsLeft: Number(balance / (perAnchor > 0n ? perAnchor : 1n)),
  };
}
