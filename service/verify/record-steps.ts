import { getBytes, recoverAddress } from "ethers";
import { DisclosureError, revealDisclosed, type Json, type JsonPath } from "../disclosure";
import { LedgerError } from "../errors";
import { equalBytes, verifyInclusion } from "../merkle";
import { leafHashOfRecord } from "../records/canonical";
import { makeStatementDigester } from "../receipts/intake-statement";
import { parseReceipt, statementVersionOf, type Receipt } from "../receipts/receipt";
import { failed, passed, type StepResult } from "./step";

/** The steps that need nothing but the receipt and the files: no chain, no trust material. */

type Anchored = Extract<Receipt, { status: "anchored" }>;

export type FormatCode =
  "RECEIPT_UNSUPPORTED_FORMAT" | "RECEIPT_MALFORMED" | "RECEIPT_STATUS_INCONSISTENT";

/**
 * The receipt is one of the formats this verifier reads, whole and consistent. A later major
 * version is an "error" (this verifier cannot judge it), not a failure: it has seen no tampering.
 */
export function checkFormat(json: unknown): { result: StepResult<FormatCode>; receipt?: Receipt } {
  let receipt: Receipt;
  try {
    receipt = parseReceipt(json);
  } catch (error) {
    const code = (error instanceof LedgerError ? error.code : "RECEIPT_MALFORMED") as FormatCode;
    const message = error instanceof Error ? error.message : String(error);
    if (isLaterMajorVersion(json))
      return { result: { step: "format", status: "error", code, message } };
    return { result: failed("format", code, message) };
  }
  if (receipt.status === "pending" && "anchor" in receipt)
    return {
      result: failed(
        "format",
        "RECEIPT_STATUS_INCONSISTENT",
        'the receipt says "pending" but carries an anchor',
      ),
    };
  return { result: passed("format", `${receipt.format}, ${receipt.status}`), receipt };
}

export type FilesCode = "FILE_DIGEST_MISMATCH" | "NO_FILES_GIVEN";

/** Every file the verifier holds is one the record names (by SHA-256). */
export function checkFiles(
  receipt: Receipt,
  fileDigests: readonly string[],
): StepResult<FilesCode> {
  const named = new Map(receipt.record.files.map((f) => [f.sha256, f.name]));
  const unknown = fileDigests.filter((d) => !named.has(d.toLowerCase()));
  if (unknown.length > 0)
    return failed(
      "files",
      "FILE_DIGEST_MISMATCH",
      `${unknown.length} file(s) given are not in the record (their SHA-256 is not among its digests)`,
    );
  if (fileDigests.length === 0)
    return {
      step: "files",
      status: "skip",
      code: "NO_FILES_GIVEN",
      message: `no files given; the record names ${named.size}`,
    };
  return passed(
    "files",
    `${fileDigests.length} of ${named.size} file(s) match their digests: ${fileDigests.map((d) => named.get(d.toLowerCase())).join(", ")}`,
  );
}

export type LeafCode = "LEAF_HASH_MISMATCH";

/**
 * The record's canonical bytes hash to the receipt's leaf hash. The record is canonicalised as
 * the receipt says it, not as parsed: a parser drops what it does not know (a `__proto__` key,
 * say), and a verifier that hashed the parsed copy would pass a record carrying more than the
 * leaf covers.
 */
export function checkLeaf(
  receipt: Receipt,
  asGiven: unknown,
): { result: StepResult<LeafCode>; leaf: Uint8Array } {
  const leaf = leafHashOfRecord(asGiven as Receipt["record"]);
  const result = equalBytes(leaf, getBytes(receipt.leafHash))
    ? passed<LeafCode>("leaf", "the record's canonical bytes hash to the leaf hash")
    : failed(
        "leaf",
        "LEAF_HASH_MISMATCH",
        "the record does not hash to the receipt's leaf hash: the record was altered",
      );
  return { result, leaf };
}

export type DisclosuresCode = "DISCLOSURE_MISMATCH" | "DISCLOSURE_UNUSED";

/** The record with the values its disclosures give, and where a value stays hidden. */
export interface Disclosed {
  metadata: { [key: string]: Json };
  hidden: JsonPath[];
}

/**
 * Each disclosure a v3 receipt carries matches exactly one digest of the record (DESIGN §7),
 * in a place of its shape; the record is then shown with what was disclosed and "hidden" for
 * the rest. A record of v1 holds its values in the clear, and one of v2 may commit to none.
 */
export function checkDisclosures(receipt: Receipt): {
  result: StepResult<DisclosuresCode>;
  disclosed?: Disclosed;
} {
  const record = receipt.record;
  const given: readonly string[] =
    receipt.format === "evidence-receipt/v3"
      ? ((receipt as { disclosures?: string[] }).disclosures ?? [])
      : [];
  if (record._sd_alg === undefined && given.length === 0)
    return {
      result: passed(
        "disclosures",
        record.format === "evidence-record/v1"
          ? "an evidence-record/v1: its values stand in the clear"
          : "the record commits to no personal value",
      ),
      disclosed: { metadata: record.metadata as { [key: string]: Json }, hidden: [] },
    };
  try {
    const { revealed, hidden } = revealDisclosed(record.metadata as { [key: string]: Json }, given);
    return {
      result: passed(
        "disclosures",
        `${given.length} disclosure(s) match the record's digests; ${hidden.length} value(s) stay hidden`,
      ),
      disclosed: { metadata: revealed, hidden },
    };
  } catch (error) {
    if (!(error instanceof DisclosureError)) throw error;
    return { result: failed("disclosures", error.code, error.message) };
  }
}

export type InclusionCode = "PROOF_INVALID";

/** The audit path leads from the leaf to the root, at the index the record's seq gives. */
export function checkInclusion(receipt: Anchored, leaf: Uint8Array): StepResult<InclusionCode> {
  const a = receipt.anchor;
  const ok =
    verifyInclusion({
      leafHash: leaf,
      leafIndex: a.leafIndex,
      treeSize: a.treeSize,
      auditPath: a.auditPath.map((p) => getBytes(p)),
      root: getBytes(a.root),
    }) && receipt.record.seq === a.firstSeq + a.leafIndex;
  return ok
    ? passed("inclusion", `leaf ${a.leafIndex} of ${a.treeSize} leads to root ${a.root}`)
    : failed(
        "inclusion",
        "PROOF_INVALID",
        "the audit path does not lead from the leaf to the root for this index and size",
      );
}

export type SignatureCode =
  | "INTAKE_LEDGER_MISMATCH"
  | "SIGNATURE_NOT_CANONICAL"
  | "SIGNATURE_INVALID"
  | "SIGNER_NOT_ANCHORING_OPERATOR";

/** Half the secp256k1 group order: a canonical signature's s is at most this (EIP-2). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Who signed a 32-byte digest, or undefined for no valid signature. */
export type RecoverSigner = (digest: Uint8Array, signature: string) => string | undefined;

/**
 * The operator signed the intake statement (v2: leaf hash, deadline, chain, contract; v1: the
 * leaf hash), and is the operator that anchored; the intake names the anchor's ledger.
 */
export function checkSignature(
  receipt: Receipt,
  recoverSigner: RecoverSigner = recoverAddress,
): StepResult<SignatureCode> {
  const intake = receipt.intake;
  const anchor = receipt.status === "anchored" ? receipt.anchor : undefined;
  const version = statementVersionOf(receipt);
  // The ledger first: in v2 it is part of what is signed, and naming the mismatch is clearer
  // than a signature that does not recover.
  if (
    anchor &&
    (intake.chainId !== anchor.chainId ||
      intake.contract.toLowerCase() !== anchor.contract.toLowerCase())
  )
    return failed(
      "signature",
      "INTAKE_LEDGER_MISMATCH",
      `the intake names chain ${intake.chainId} contract ${intake.contract}, the anchor chain ${anchor.chainId} contract ${anchor.contract}`,
    );
  // One signature, one spelling, as the README promises: 65 bytes, low s, v 27 or 28. ethers
  // would also recover v written 0/1 or EIP-155 style, and the mirrored high s.
  const sig = intake.signature;
  const v = parseInt(sig.slice(130, 132), 16);
  if (sig.length !== 132 || (v !== 27 && v !== 28) || BigInt(`0x${sig.slice(66, 130)}`) > HALF_N)
    return failed(
      "signature",
      "SIGNATURE_NOT_CANONICAL",
      "the intake signature is not in canonical form (65 bytes, low s, v 27 or 28)",
    );
  let signer: string | undefined;
  try {
    const digest = digesterOf(intake.chainId, intake.contract)(
      version,
      getBytes(receipt.leafHash),
      intake.anchorDeadline,
    );
    signer = recoverSigner(digest, intake.signature);
  } catch {
    signer = undefined;
  }
  const statement =
    version === 1
      ? "the leaf hash"
      : `the intake statement (leaf hash, anchor deadline ${intake.anchorDeadline}, chain ${intake.chainId}, contract ${intake.contract})`;
  if (signer?.toLowerCase() !== intake.operator.toLowerCase())
    return failed(
      "signature",
      "SIGNATURE_INVALID",
      `the intake signature is not the operator's signature over ${statement}`,
    );
  if (anchor && intake.operator.toLowerCase() !== anchor.operator.toLowerCase())
    return failed(
      "signature",
      "SIGNER_NOT_ANCHORING_OPERATOR",
      `the intake was signed by ${intake.operator}, but ${anchor.operator} anchored the batch`,
    );
  return passed("signature", `operator ${intake.operator} signed ${statement} at intake`);
}

/** Whether the input names a later major version of this receipt format (v3, …). */
function isLaterMajorVersion(json: unknown): boolean {
  const format = (json as { format?: unknown } | null)?.format;
  const major = typeof format === "string" ? /^evidence-receipt\/v(\d+)(\.|$)/.exec(format) : null;
  return major !== null && Number(major[1]) > 3;
}

/** Statement digesters per ledger: a tool checking an export's receipts meets one or two. */
const digesters = new Map<string, ReturnType<typeof makeStatementDigester>>();
function digesterOf(chainId: string, contract: string): ReturnType<typeof makeStatementDigester> {
  const key = `${chainId}:${contract.toLowerCase()}`;
  let digester = digesters.get(key);
  if (!digester) {
    digester = makeStatementDigester(chainId, contract);
    if (digesters.size < 16) digesters.set(key, digester);
  }
  return digester;
}
