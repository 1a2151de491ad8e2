import { getBytes } from "ethers";
import type { Receipt, Rfc3161Witness, Witness } from "../receipts/receipt";
import {
  checkTokenIntegrity,
  TimestampError,
  verifyToken,
  type TimestampCode,
} from "../witnesses/rfc3161";
import { passed, type StepResult } from "./step";

export type WitnessCode =
  | TimestampCode
  | "WITNESS_TYPE_UNKNOWN"
  | "TSA_TRUST_NOT_CHECKED"
  | "NO_WITNESSES"
  | "ANCHOR_NOT_VERIFIED";

/**
 * One witness of the batch root (DESIGN §6): who attests, the time attested, whether the
 * operator controls it, and whether this verifier could check it.
 */
export interface WitnessReport {
  /** "evm-chain" (the anchor), "rfc3161", or a type this verifier does not know. */
  type: string;
  /** Who attests, in words: "chain 1 block 19000000", "TSA CN=…". */
  name: string;
  /** The root existed no later than this (ISO 8601), if the witness says. */
  time: string | undefined;
  /** True for the operator's own local chain; false for a public chain or a TSA. */
  controlledByOperator: boolean;
  status: "verified" | "failed" | "not checked";
  code: WitnessCode | "OK";
  message: string;
}

/**
 * The receipt's witnesses besides the chain: each RFC 3161 token checked offline against the
 * root (intact, for this root, its stated time its genTime), its TSA against the trust anchors
 * given; a type this verifier does not know is kept and reported, never judged.
 */
export async function checkWitnesses(
  receipt: Extract<Receipt, { status: "anchored" }>,
  trustAnchors: readonly Uint8Array[] | undefined,
  memo: Map<string, WitnessReport> | undefined,
): Promise<{ result: StepResult<WitnessCode>; reports: WitnessReport[] }> {
  const reports: WitnessReport[] = [];
  for (const witness of receipt.witnesses ?? []) {
    const key = `${receipt.anchor.root}:${JSON.stringify(witness)}`;
    const known = memo?.get(key);
    if (known) {
      reports.push(known);
      continue;
    }
    const report = await checkWitness(witness, getBytes(receipt.anchor.root), trustAnchors);
    if (memo && memo.size < 10_000) memo.set(key, report);
    reports.push(report);
  }
  const failure = reports.find((r) => r.status === "failed");
  const verified = reports.filter((r) => r.status === "verified");
  const result: StepResult<WitnessCode> = failure
    ? {
        step: "witnesses",
        status: "fail",
        code: failure.code,
        message: `${failure.name}: ${failure.message}`,
      }
    : verified.length > 0
      ? passed("witnesses", verified.map((r) => `${r.name} at ${r.time}`).join("; "))
      : {
          step: "witnesses",
          status: "skip",
          code: reports.length === 0 ? "NO_WITNESSES" : reports[0]!.code,
          message:
            reports.length === 0
              ? "no witness besides the chain anchor"
              : reports.map((r) => `${r.name}: ${r.message}`).join("; "),
        };
  return { result, reports };
}

/** One witness checked against the root: what a verdict says of it. */
async function checkWitness(
  witness: Witness,
  root: Uint8Array,
  trustAnchors: readonly Uint8Array[] | undefined,
): Promise<WitnessReport> {
  if (witness.type !== "rfc3161") {
    return {
      type: witness.type,
      name: `a ${witness.type} witness`,
      time: undefined,
      controlledByOperator: false,
      status: "not checked",
      code: "WITNESS_TYPE_UNKNOWN",
      message: `this verifier does not know witnesses of type ${witness.type}; kept, not judged`,
    };
  }
  const w = witness as Rfc3161Witness;
  const token = base64Bytes(w.token);
  const name = (tsa: string) => `TSA ${tsa}`;
  try {
    const { facts } = await checkTokenIntegrity(token, root);
    if (Date.parse(facts.genTime) !== Date.parse(w.time))
      throw new TimestampError(
        "TSA_TIME_MISMATCH",
        `the receipt states ${w.time}, the token attests ${facts.genTime}`,
      );
    if (!trustAnchors || trustAnchors.length === 0) {
      return {
        type: "rfc3161",
        name: name(facts.tsa),
        time: facts.genTime,
        controlledByOperator: false,
        status: "not checked",
        code: "TSA_TRUST_NOT_CHECKED",
        message:
          "the token is intact and times this root, but no TSA root certificate was given to check who signed it",
      };
    }
    await verifyToken(token, root, trustAnchors);
    return {
      type: "rfc3161",
      name: name(facts.tsa),
      time: facts.genTime,
      controlledByOperator: false,
      status: "verified",
      code: "OK",
      message: `token ${facts.serialNumber} from ${w.tsa}`,
    };
  } catch (error) {
    return {
      type: "rfc3161",
      name: name(w.tsa),
      time: undefined,
      controlledByOperator: false,
      status: "failed",
      code: error instanceof TimestampError ? error.code : "TSA_TOKEN_MALFORMED",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
