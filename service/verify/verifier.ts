import type { Receipt } from "../receipts/receipt";
import type { ChainReader } from "./reader";
import { checkChain } from "./chain-steps";
import {
  checkFiles,
  checkFormat,
  checkInclusion,
  checkDisclosures,
  checkLeaf,
  checkSignature,
  type Disclosed,
  type RecoverSigner,
} from "./record-steps";
import { skipped, type StepName, type StepResult } from "./step";
import { checkWitnesses, type WitnessReport } from "./witness-step";

export type { StepName, StepResult, StepStatus } from "./step";
export type { WitnessReport } from "./witness-step";
export type { Disclosed } from "./record-steps";

export const DEV_CHAIN_IDS: ReadonlySet<string> = new Set(["31337", "1337"]);

/**
 * Chains a verifier takes as public, run by no one operator, when it is told of none: the
 * main networks of Ethereum (1), OP (10), BNB Smart Chain (56), Gnosis (100), Polygon PoS
 * (137), Base (8453), Arbitrum One (42161), Linea (59144) and Scroll (534352). Any other chain
 * is "not known to be independent": a chain id is a number anyone can pick for a network of
 * their own, so it is trusted as public only when listed (`--public-chain`).
 */
export const PUBLIC_CHAIN_IDS: ReadonlySet<string> = new Set([
  "1",
  "10",
  "56",
  "100",
  "137",
  "8453",
  "42161",
  "59144",
  "534352",
]);

export type Verdict = "valid" | "invalid" | "unverifiable";

export interface Verification {
  verdict: Verdict;
  steps: StepResult[];
  receipt?: Receipt;
  /** The record's metadata with what its disclosures give, and the paths still hidden. */
  disclosed?: Disclosed;
  /** Every witness of the root, the chain anchor first. */
  witnesses?: WitnessReport[];
  /** What a valid receipt proves, in words. */
  proves?: {
    /**
     * The evidentiary time: the earliest time attested by a verified witness the operator does
     * not control; the block time when there is none (then `independent` is false).
     */
    existedBy: string;
    /** The witness `existedBy` comes from. */
    existedBySource: string;
    independent: boolean;
    seq: number;
    chainId: string;
    developmentChain: boolean;
    confirmations: number;
  };
}

export interface VerifyInput {
  receipt: unknown;
  /** SHA-256 (hex) of each file the verifier holds; every one must be in the record. */
  fileDigests: readonly string[];
  chain: ChainReader;
  minConfirmations?: number;
  /**
   * Who signed a 32-byte digest, or undefined for no valid signature. ethers' `recoverAddress`
   * unless given: tools checking a million receipts pass a native recovery with the same rules.
   */
  recoverSigner?: RecoverSigner;
  /**
   * Root certificates (DER X.509) the verifier trusts for RFC 3161 TSAs. Without them a token is
   * still checked for integrity and root, but its TSA is reported "not checked".
   */
  tsaTrustAnchors?: readonly Uint8Array[];
  /**
   * Remembers witness checks across calls (every receipt of a batch carries the same tokens):
   * tools checking an export's receipts pass one map for the run, with fixed trust anchors.
   */
  witnessMemo?: Map<string, WitnessReport>;
  /** Chain ids taken as public networks (PUBLIC_CHAIN_IDS unless given). */
  publicChains?: ReadonlySet<string>;
}

/**
 * Verifies a receipt trusting nothing but the chain (DESIGN §4), in named steps, in order (the
 * sigstore-js shape: each step a function with its own codes, in record-steps, chain-steps and
 * witness-step). Pure: the files' digests, a chain reader and trust anchors are passed in. A
 * step whose input failed earlier is skipped, never reported as another failure; a chain that
 * cannot be read makes the verdict "unverifiable", never "invalid".
 */
export async function verifyReceipt(input: VerifyInput): Promise<Verification> {
  const format = checkFormat(input.receipt);
  const receipt = format.receipt;
  if (!receipt)
    return finish(
      [
        format.result,
        ...AFTER_FORMAT.map((step) => skipped(step, "the receipt could not be read")),
      ],
      undefined,
    );
  const steps: StepResult[] = [format.result, checkFiles(receipt, input.fileDigests)];
  const leaf = checkLeaf(receipt, (input.receipt as { record?: unknown }).record);
  steps.push(leaf.result);
  // A disclosure vouches for a value only through a digest the leaf covers.
  const disclosures =
    leaf.result.status === "pass"
      ? checkDisclosures(receipt)
      : { result: skipped("disclosures", "the record does not hash to the leaf hash") };
  steps.push(disclosures.result);
  const disclosed = "disclosed" in disclosures ? disclosures.disclosed : undefined;

  if (receipt.status !== "anchored") {
    const pending = "the receipt is pending: fetch its anchored form";
    steps.push(
      ...(["inclusion", "batch", "transaction", "block"] as const).map((step) =>
        skipped(step, pending, "RECEIPT_PENDING"),
      ),
      checkSignature(receipt, input.recoverSigner),
      skipped("witnesses", pending, "RECEIPT_PENDING"),
    );
    return { ...finish(steps, receipt), ...(disclosed && { disclosed }) };
  }

  const a = receipt.anchor;
  const inclusion =
    leaf.result.status === "pass"
      ? checkInclusion(receipt, leaf.leaf)
      : skipped("inclusion", "the record does not hash to the leaf hash");
  steps.push(inclusion);
  const chain = await checkChain(input.chain, receipt, input.minConfirmations ?? 1);
  steps.push(...chain.results, checkSignature(receipt, input.recoverSigner));

  const chainWitness: WitnessReport = {
    type: "evm-chain",
    name: `chain ${a.chainId} block ${a.blockNumber}`,
    time: new Date(a.blockTimestamp * 1000).toISOString(),
    controlledByOperator: DEV_CHAIN_IDS.has(a.chainId),
    ...(chain.results.some((s) => s.step === "block" && s.status === "pass")
      ? {
          status: "verified" as const,
          code: "OK" as const,
          message: "the anchor transaction's block",
        }
      : {
          status: "failed" as const,
          code: "ANCHOR_NOT_VERIFIED" as const,
          message: "see the chain steps",
        }),
  };
  const publicChain = (input.publicChains ?? PUBLIC_CHAIN_IDS).has(a.chainId);
  if (!publicChain && !DEV_CHAIN_IDS.has(a.chainId)) {
    // Not the operator's own development chain, but not known to be anyone else's either.
    chainWitness.controlledByOperator = true;
    chainWitness.message += `; chain ${a.chainId} is not known to be independent of the operator (name it as a public chain if it is)`;
  }
  const witnesses = [chainWitness];
  // A witness times the root: it says something of this record only if the root is the leaf's.
  if (inclusion.status !== "pass")
    steps.push(skipped("witnesses", "the root is not shown to be the leaf's"));
  else {
    const checked = await checkWitnesses(receipt, input.tsaTrustAnchors, input.witnessMemo);
    steps.push(checked.result);
    witnesses.push(...checked.reports);
  }

  const result = finish(steps, receipt);
  if (disclosed) result.disclosed = disclosed;
  result.witnesses = witnesses;
  if (result.verdict === "valid") {
    const independent = witnesses
      .filter((w) => w.status === "verified" && !w.controlledByOperator && w.time)
      .sort((x, y) => Date.parse(x.time!) - Date.parse(y.time!));
    const evidentiary = independent[0] ?? chainWitness;
    result.proves = {
      existedBy: evidentiary.time!,
      existedBySource: evidentiary.name,
      independent: independent.length > 0,
      seq: receipt.record.seq,
      chainId: a.chainId,
      developmentChain: DEV_CHAIN_IDS.has(a.chainId),
      confirmations: chain.confirmations,
    };
  }
  return result;
}

const AFTER_FORMAT: StepName[] = [
  "files",
  "leaf",
  "disclosures",
  "inclusion",
  "batch",
  "transaction",
  "block",
  "signature",
  "witnesses",
];

function finish(steps: StepResult[], receipt: Receipt | undefined): Verification {
  const verdict: Verdict = steps.some((s) => s.status === "fail")
    ? "invalid"
    : steps.some((s) => s.status === "error")
      ? "unverifiable"
      : receipt?.status === "anchored"
        ? "valid"
        : "unverifiable";
  return { verdict, steps, receipt };
}
