import { getBytes, Interface, recoverAddress } from "ethers";
import { LedgerError } from "../errors";
import { equalBytes, verifyInclusion } from "../merkle";
import { leafHashOfRecord } from "../records/canonical";
import { makeStatementDigester } from "../receipts/intake-statement";
import {
  parseReceipt,
  statementVersionOf,
  type Receipt,
  type Rfc3161Witness,
  type Witness,
} from "../receipts/receipt";
import { checkTokenIntegrity, TimestampError, verifyToken } from "../witnesses/rfc3161";
import type { ChainReader } from "./chain-reader";

export const DEV_CHAIN_IDS: ReadonlySet<string> = new Set(["31337", "1337"]);

export type StepName =
  | "format"
  | "files"
  | "leaf"
  | "inclusion"
  | "batch"
  | "transaction"
  | "block"
  | "signature"
  | "witnesses";

/** How the anchor transaction must read: the ledger's `anchor` call and the event it emits. */
const LEDGER = new Interface([
  "function anchor(bytes32 root, uint64 firstSeq, uint64 count) returns (uint256 batchIndex)",
  "event BatchAnchored(address indexed operator, uint256 indexed batchIndex, bytes32 root, uint64 firstSeq, uint64 count, bytes32 head)",
]);
export type StepStatus = "pass" | "fail" | "skip" | "error";

export interface StepResult {
  step: StepName;
  status: StepStatus;
  /** Stable code: `OK`, or what failed (`FILE_DIGEST_MISMATCH`, `ROOT_NOT_ON_CHAIN`, …). */
  code: string;
  message: string;
}

export type Verdict = "valid" | "invalid" | "unverifiable";

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
  code: string;
  message: string;
}

export interface Verification {
  verdict: Verdict;
  steps: StepResult[];
  receipt?: Receipt;
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
  recoverSigner?: (digest: Uint8Array, signature: string) => string | undefined;
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
}

/**
 * Verifies a receipt trusting nothing but the chain (DESIGN §4), in named steps, in order.
 * Pure: the files' digests and a chain reader are passed in. A step that cannot run because
 * an earlier one failed is skipped; a chain that cannot be read makes the verdict
 * "unverifiable", never "invalid".
 */
export async function verifyReceipt(input: VerifyInput): Promise<Verification> {
  const steps: StepResult[] = [];
  const pass = (step: StepName, message: string) =>
    steps.push({ step, status: "pass", code: "OK", message });
  const fail = (step: StepName, code: string, message: string): void =>
    void steps.push({ step, status: "fail", code, message });

  const later = [
    "files",
    "leaf",
    "inclusion",
    "batch",
    "transaction",
    "block",
    "signature",
    "witnesses",
  ] as const;
  let receipt: Receipt;
  try {
    receipt = parseReceipt(input.receipt);
  } catch (error) {
    const code = error instanceof LedgerError ? error.code : "RECEIPT_MALFORMED";
    const message = error instanceof Error ? error.message : String(error);
    // A later major version is not tampering: this verifier cannot judge it.
    if (isLaterMajorVersion(input.receipt))
      steps.push({ step: "format", status: "error", code, message });
    else fail("format", code, message);
    return finish(steps, skipRest([...later]));
  }
  if (receipt.status === "pending" && "anchor" in receipt) {
    fail(
      "format",
      "RECEIPT_STATUS_INCONSISTENT",
      'the receipt says "pending" but carries an anchor',
    );
    return finish(steps, skipRest([...later]));
  }
  pass("format", `${receipt.format}, ${receipt.status}`);

  const named = new Map(receipt.record.files.map((f) => [f.sha256, f.name]));
  const unknown = input.fileDigests.filter((d) => !named.has(d.toLowerCase()));
  if (unknown.length > 0)
    fail(
      "files",
      "FILE_DIGEST_MISMATCH",
      `${unknown.length} file(s) given are not in the record (their SHA-256 is not among its digests)`,
    );
  else if (input.fileDigests.length === 0)
    steps.push({
      step: "files",
      status: "skip",
      code: "NO_FILES_GIVEN",
      message: `no files given; the record names ${named.size}`,
    });
  else
    pass(
      "files",
      `${input.fileDigests.length} of ${named.size} file(s) match their digests: ${input.fileDigests.map((d) => named.get(d.toLowerCase())).join(", ")}`,
    );

  const leaf = leafHashOfRecord(receipt.record);
  const leafOk = equalBytes(leaf, getBytes(receipt.leafHash));
  if (leafOk) pass("leaf", "the record's canonical bytes hash to the leaf hash");
  else
    fail(
      "leaf",
      "LEAF_HASH_MISMATCH",
      "the record does not hash to the receipt's leaf hash: the record was altered",
    );

  const recoverSigner = input.recoverSigner ?? recoverAddress;
  const signatureStep = (): void => {
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
      return fail(
        "signature",
        "INTAKE_LEDGER_MISMATCH",
        `the intake names chain ${intake.chainId} contract ${intake.contract}, the anchor chain ${anchor.chainId} contract ${anchor.contract}`,
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
      fail(
        "signature",
        "SIGNATURE_INVALID",
        `the intake signature is not the operator's signature over ${statement}`,
      );
    else if (anchor && intake.operator.toLowerCase() !== anchor.operator.toLowerCase())
      fail(
        "signature",
        "SIGNER_NOT_ANCHORING_OPERATOR",
        `the intake was signed by ${intake.operator}, but ${anchor.operator} anchored the batch`,
      );
    else pass("signature", `operator ${intake.operator} signed ${statement} at intake`);
  };

  if (receipt.status !== "anchored") {
    steps.push(
      ...skipRest(
        ["inclusion", "batch", "transaction", "block"],
        "RECEIPT_PENDING",
        "the receipt is pending: fetch its anchored form",
      ),
    );
    signatureStep();
    steps.push(...skipRest(["witnesses"], "RECEIPT_PENDING", "the receipt is pending"));
    return finish(steps, [], receipt);
  }
  const a = receipt.anchor;
  const proof = {
    leafHash: leaf,
    leafIndex: a.leafIndex,
    treeSize: a.treeSize,
    auditPath: a.auditPath.map((p) => getBytes(p)),
    root: getBytes(a.root),
  };
  const inclusionOk =
    leafOk && verifyInclusion(proof) && receipt.record.seq === a.firstSeq + a.leafIndex;
  if (inclusionOk)
    pass("inclusion", `leaf ${a.leafIndex} of ${a.treeSize} leads to root ${a.root}`);
  else
    fail(
      "inclusion",
      "PROOF_INVALID",
      "the audit path does not lead from the leaf to the root for this index and size",
    );

  let confirmations = 0;
  try {
    const chainId = await input.chain.chainId();
    if (chainId !== a.chainId) {
      fail(
        "batch",
        "WRONG_CHAIN",
        `the RPC serves chain ${chainId}, the receipt names chain ${a.chainId}`,
      );
      steps.push(...skipRest(["transaction", "block"]));
    } else {
      const batch = await input.chain.batchOf(a.contract, a.operator, a.batchIndex);
      if (!batch)
        fail(
          "batch",
          "BATCH_NOT_ON_CHAIN",
          `contract ${a.contract} holds no batch ${a.batchIndex} for operator ${a.operator}`,
        );
      else if (batch.root.toLowerCase() !== a.root.toLowerCase())
        fail(
          "batch",
          "ROOT_NOT_ON_CHAIN",
          `batch ${a.batchIndex} on chain has root ${batch.root}, not ${a.root}`,
        );
      else if (batch.firstSeq !== a.firstSeq || batch.count !== a.treeSize)
        fail(
          "batch",
          "BATCH_RANGE_MISMATCH",
          `batch ${a.batchIndex} on chain covers ${batch.count} records from seq ${batch.firstSeq}`,
        );
      else
        pass(
          "batch",
          `batch ${a.batchIndex} of operator ${a.operator} holds this root, seqs ${batch.firstSeq}..${batch.firstSeq + batch.count - 1}`,
        );
      await checkTransaction(input.chain, receipt, steps);
      const block = await input.chain.block(a.blockNumber);
      const latest = await input.chain.latestBlockNumber();
      confirmations = Math.max(0, latest - a.blockNumber + 1);
      const minimum = input.minConfirmations ?? 1;
      if (!block || block.hash.toLowerCase() !== a.blockHash.toLowerCase())
        fail("block", "BLOCK_MISMATCH", `block ${a.blockNumber} on chain is not ${a.blockHash}`);
      else if (
        block.timestamp !== a.blockTimestamp ||
        (batch && (batch.blockNumber !== a.blockNumber || batch.timestamp !== a.blockTimestamp))
      )
        fail("block", "BLOCK_MISMATCH", "the block's number or time differs from the receipt");
      else if (confirmations < minimum)
        fail(
          "block",
          "NOT_ENOUGH_CONFIRMATIONS",
          `${confirmations} confirmation(s), ${minimum} required`,
        );
      else
        pass(
          "block",
          `block ${a.blockNumber} at ${new Date(a.blockTimestamp * 1000).toISOString()}, ${confirmations} confirmation(s)`,
        );
    }
  } catch (error) {
    const order: StepName[] = ["batch", "transaction", "block"];
    const at = order.find((name) => !steps.some((s) => s.step === name))!;
    steps.push({
      step: at,
      status: "error",
      code: "CHAIN_UNREACHABLE",
      message: `could not read the chain: ${error instanceof Error ? error.message : String(error)}`,
    });
    steps.push(...skipRest(order.slice(order.indexOf(at) + 1)));
  }
  signatureStep();
  const chainWitness: WitnessReport = {
    type: "evm-chain",
    name: `chain ${a.chainId} block ${a.blockNumber}`,
    time: new Date(a.blockTimestamp * 1000).toISOString(),
    controlledByOperator: DEV_CHAIN_IDS.has(a.chainId),
    ...(steps.some((s) => s.step === "block" && s.status === "pass")
      ? { status: "verified" as const, code: "OK", message: "the anchor transaction's block" }
      : { status: "failed" as const, code: "ANCHOR_NOT_VERIFIED", message: "see the chain steps" }),
  };
  const witnesses = [chainWitness];
  if (!inclusionOk)
    steps.push(...skipRest(["witnesses"], "SKIPPED", "not checked: the root is not the leaf's"));
  else
    witnesses.push(
      ...(await witnessStep(receipt, input.tsaTrustAnchors, steps, input.witnessMemo)),
    );
  const result = finish(steps, [], receipt);
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
      confirmations,
    };
  }
  return result;
}

/**
 * The receipt's witnesses besides the chain: each RFC 3161 token checked offline against the
 * root (intact, for this root, its stated time its genTime), its TSA against the trust anchors
 * given; a type this verifier does not know is kept and reported, never judged.
 */
async function witnessStep(
  receipt: Extract<Receipt, { status: "anchored" }>,
  trustAnchors: readonly Uint8Array[] | undefined,
  steps: StepResult[],
  memo: Map<string, WitnessReport> | undefined,
): Promise<WitnessReport[]> {
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
  const failed = reports.find((r) => r.status === "failed");
  const verified = reports.filter((r) => r.status === "verified");
  if (failed)
    steps.push({
      step: "witnesses",
      status: "fail",
      code: failed.code,
      message: `${failed.name}: ${failed.message}`,
    });
  else if (verified.length > 0)
    steps.push({
      step: "witnesses",
      status: "pass",
      code: "OK",
      message: verified.map((r) => `${r.name} at ${r.time}`).join("; "),
    });
  else
    steps.push({
      step: "witnesses",
      status: "skip",
      code: reports.length === 0 ? "NO_WITNESSES" : reports[0]!.code,
      message:
        reports.length === 0
          ? "no witness besides the chain anchor"
          : reports.map((r) => `${r.name}: ${r.message}`).join("; "),
    });
  return reports;
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

/** Whether the input names a later major version of this receipt format (v3, …). */
function isLaterMajorVersion(json: unknown): boolean {
  const format = (json as { format?: unknown } | null)?.format;
  const major = typeof format === "string" ? /^evidence-receipt\/v(\d+)(\.|$)/.exec(format) : null;
  return major !== null && Number(major[1]) > 2;
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

/**
 * The anchor transaction named by the receipt, read through the RPC: the operator's call of
 * `anchor(root, firstSeq, count)` on the ledger with the receipt's values, succeeded, mined in
 * the stated block, emitting `BatchAnchored` for the stated batch. Without this a receipt could
 * name any transaction hash at all.
 */
async function checkTransaction(
  chain: ChainReader,
  receipt: Extract<Receipt, { status: "anchored" }>,
  steps: StepResult[],
): Promise<void> {
  const a = receipt.anchor;
  const fail = (message: string): void =>
    void steps.push({ step: "transaction", status: "fail", code: "TRANSACTION_MISMATCH", message });
  const tx = await chain.transaction(a.txHash);
  if (!tx)
    return void steps.push({
      step: "transaction",
      status: "fail",
      code: "TRANSACTION_NOT_FOUND",
      message: `the chain has no transaction ${a.txHash}`,
    });
  const same = (x: string | null | undefined, y: string) => x?.toLowerCase() === y.toLowerCase();
  if (!same(tx.from, a.operator)) return fail(`sent by ${tx.from}, not the operator ${a.operator}`);
  if (!same(tx.to, a.contract)) return fail(`sent to ${tx.to}, not the ledger ${a.contract}`);
  let call;
  try {
    call = LEDGER.parseTransaction({ data: tx.input });
  } catch {
    call = null;
  }
  if (
    call?.name !== "anchor" ||
    !same(call.args[0] as string, a.root) ||
    Number(call.args[1]) !== a.firstSeq ||
    Number(call.args[2]) !== a.treeSize
  )
    return fail(`it is not anchor(${a.root}, ${a.firstSeq}, ${a.treeSize})`);
  if (tx.status !== 1) return fail("it did not succeed (or is not mined)");
  if (tx.blockNumber !== a.blockNumber || !same(tx.blockHash, a.blockHash))
    return fail(`it was mined in block ${tx.blockNumber}, not ${a.blockNumber} ${a.blockHash}`);
  const event = tx.logs
    .filter((l) => same(l.address, a.contract))
    .map((l) => {
      try {
        return LEDGER.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((e) => e?.name === "BatchAnchored");
  if (
    !event ||
    !same(event.args[0] as string, a.operator) ||
    Number(event.args[1]) !== a.batchIndex ||
    !same(event.args[2] as string, a.root)
  )
    return fail(`it emitted no BatchAnchored event for batch ${a.batchIndex} with this root`);
  steps.push({
    step: "transaction",
    status: "pass",
    code: "OK",
    message: `${a.txHash}: the operator's anchor call for batch ${a.batchIndex}, mined in block ${a.blockNumber}`,
  });
}

function skipRest(
  names: StepName[],
  code = "SKIPPED",
  message = "not checked: an earlier step failed",
): StepResult[] {
  return names.map((step) => ({ step, status: "skip" as const, code, message }));
}

function finish(steps: StepResult[], more: StepResult[], receipt?: Receipt): Verification {
  const all = [...steps, ...more];
  const verdict: Verdict = all.some((s) => s.status === "fail")
    ? "invalid"
    : all.some((s) => s.status === "error")
      ? "unverifiable"
      : receipt?.status === "anchored"
        ? "valid"
        : "unverifiable";
  return { verdict, steps: all, receipt };
}
