/**
 * Generates the shared verification vectors for the receipts issued now (evidence-receipt/v3)
 * in test/vectors/v3/<case>[_fail]/ from a real run of the service on an embedded chain whose
 * journal is kept beside them (test/vectors/v3/chain/), so every verifier can replay the same
 * chain and check the same receipts. The v1 and v2 vectors beside them are kept as they were
 * made: those receipts are no longer issued, and must verify for ever.
 *
 *   npm run make-vectors
 *   npm run make-vectors -- --derive-only   (only the strict-reading vectors, on the set as it is)
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TypedDataEncoder, Wallet } from "ethers";
import { loadConfig } from "../service/config";
import { readInitialApiKey } from "../service/keys";
import { createLogger } from "../service/observability";
import {
  deadlineSeconds,
  intakeDomain,
  INTAKE_STATEMENT_TYPES,
  type AnchoredReceipt,
} from "../service/receipts";
import { startNotary } from "../service/server";
import { STRICT_TAMPERINGS } from "./strict-vectors";

const OUT = join(__dirname, "..", "test", "vectors", "v3");

/** A disclosure of the same salt and name with another value: its digest is in no record. */
const forged = (disclosure: string, value: unknown) => {
  const [salt, name] = JSON.parse(Buffer.from(disclosure, "base64url").toString()) as string[];
  return Buffer.from(JSON.stringify([salt, name, value])).toString("base64url");
};
const disclosuresOf = (r: AnchoredReceipt) => (r as { disclosures?: string[] }).disclosures ?? [];

/** A v2 intake signature by another key, made as a wallet would (ethers' EIP-712 encoder). */
const signStatement = (key: string, r: AnchoredReceipt) =>
  new Wallet(key).signingKey.sign(
    TypedDataEncoder.hash(
      intakeDomain(r.intake.chainId, r.intake.contract),
      INTAKE_STATEMENT_TYPES,
      {
        leafHash: r.leafHash,
        anchorDeadline: deadlineSeconds(r.intake.anchorDeadline),
      },
    ),
  ).serialized;

interface Vector {
  name: string;
  why: string;
  receipt: unknown;
  files: { name: string; content: string }[];
  expect: { verdict: "valid" | "invalid" | "unverifiable"; step?: string; code?: string };
}

const flipHex = (hex: string, at = 10) =>
  hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vectors-"));
  const running = await startNotary(
    loadConfig({ DATA_DIR: dir, PORT: "0", CHAIN_PORT: "0", BATCH_MAX_WAIT_MS: "800" }),
    createLogger("warn"),
  );
  const key = await readInitialApiKey(join(dir, "keys", "api-keys.json"));
  const post = async (kind: string, files: { name: string; content: string }[]) => {
    const form = new FormData();
    form.append("record", await readFile(`examples/records/${kind}.json`, "utf8"));
    for (const f of files)
      form.append("files", new Blob([f.content], { type: "text/plain" }), f.name);
    const response = await fetch(`${running.url}/v1/records`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    return ((await response.json()) as { id: string }).id;
  };
  const anchored = async (id: string): Promise<AnchoredReceipt> => {
    for (;;) {
      const r = (await (
        await fetch(`${running.url}/v1/records/${id}/receipt`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json()) as AnchoredReceipt;
      if (r.status === "anchored") return r;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    const single = [{ name: "capture.txt", content: "listing 889123 capture, 2026-11-20" }];
    const multi = [
      { name: "page.html", content: "<html>listing 889123</html>" },
      { name: "说明.txt", content: "截图说明 capture notes" },
    ];
    const third = [{ name: "order.txt", content: "test purchase order 55120" }];
    // Three records in one batch (an odd tree: the last leaf is promoted), then one alone.
    const ids = [
      await post("evidence", single),
      await post("evidence", multi),
      await post("evidence", third),
    ];
    const [r1, r2, r3] = await Promise.all(ids.map(anchored));
    const alone = await anchored(
      await post("evidence", [{ name: "alone.txt", content: "a batch of one" }]),
    );
    if (
      r1!.anchor.batchIndex !== r3!.anchor.batchIndex ||
      r3!.anchor.treeSize !== 3 ||
      alone.anchor.treeSize !== 1
    ) {
      throw new Error("the batches did not come out as planned; run again");
    }
    const tampered = (change: (r: AnchoredReceipt) => void) => {
      const copy = structuredClone(r1!);
      change(copy);
      return copy;
    };
    const vectors: Vector[] = [
      {
        name: "valid_single_file",
        why: "A genuine receipt for a record with one file.",
        receipt: r1,
        files: single,
        expect: { verdict: "valid" },
      },
      {
        name: "valid_multi_file",
        why: "A genuine receipt for a record with two files, one with a Chinese name.",
        receipt: r2,
        files: multi,
        expect: { verdict: "valid" },
      },
      {
        name: "valid_last_leaf_odd_tree",
        why: "The last leaf of a three-leaf tree: it is promoted, its path is one node shorter.",
        receipt: r3,
        files: third,
        expect: { verdict: "valid" },
      },
      {
        name: "valid_single_leaf_batch",
        why: "A batch of one record: the root is the leaf hash, the audit path is empty.",
        receipt: alone,
        files: [{ name: "alone.txt", content: "a batch of one" }],
        expect: { verdict: "valid" },
      },
      {
        name: "flipped_file_byte_fail",
        why: "The file differs from the one notarised by one byte.",
        receipt: r1,
        files: [{ name: "capture.txt", content: "listing 889124 capture, 2026-11-20" }],
        expect: { verdict: "invalid", step: "files", code: "FILE_DIGEST_MISMATCH" },
      },
      {
        name: "flipped_proof_byte_fail",
        why: "One byte of the audit path is changed.",
        receipt: tampered((r) => (r.anchor.auditPath[0] = flipHex(r.anchor.auditPath[0]!))),
        files: single,
        expect: { verdict: "invalid", step: "inclusion", code: "PROOF_INVALID" },
      },
      {
        name: "wrong_leaf_index_fail",
        why: "The leaf index points at another leaf of the tree.",
        receipt: tampered((r) => (r.anchor.leafIndex = 1)),
        files: single,
        expect: { verdict: "invalid", step: "inclusion", code: "PROOF_INVALID" },
      },
      {
        name: "wrong_tree_size_fail",
        why: "The tree size is not the batch's (here the path's shape changes, so the proof fails).",
        receipt: tampered((r) => (r.anchor.treeSize = 7)),
        files: single,
        expect: { verdict: "invalid", step: "inclusion", code: "PROOF_INVALID" },
      },
      {
        name: "wrong_root_fail",
        why: "The root is not the one the path leads to.",
        receipt: tampered((r) => (r.anchor.root = flipHex(r.anchor.root))),
        files: single,
        expect: { verdict: "invalid", step: "inclusion", code: "PROOF_INVALID" },
      },
      {
        name: "root_not_on_chain_fail",
        why: "The proof is consistent but names a batch whose root on chain is another.",
        receipt: tampered((r) => (r.anchor.batchIndex = alone.anchor.batchIndex)),
        files: single,
        expect: { verdict: "invalid", step: "batch", code: "ROOT_NOT_ON_CHAIN" },
      },
      {
        name: "wrong_contract_fail",
        why: "The contract address holds no ledger.",
        receipt: tampered(
          (r) => (r.anchor.contract = "0x000000000000000000000000000000000000dEaD"),
        ),
        files: single,
        expect: { verdict: "invalid", step: "batch", code: "BATCH_NOT_ON_CHAIN" },
      },
      {
        name: "wrong_chain_id_fail",
        why: "The receipt names chain 1; the ledger's chain is 31337.",
        receipt: tampered((r) => (r.anchor.chainId = "1")),
        files: single,
        expect: { verdict: "invalid", step: "batch", code: "WRONG_CHAIN" },
      },
      {
        name: "bad_signature_fail",
        why: "The intake signature is by another key than the operator's.",
        receipt: tampered((r) => (r.intake.signature = signStatement("0x" + "11".repeat(32), r))),
        files: single,
        expect: { verdict: "invalid", step: "signature", code: "SIGNATURE_INVALID" },
      },
      {
        name: "unknown_major_version",
        why: "Format evidence-receipt/v9 is a later major version: a verifier that does not know it cannot judge it, and must not call it tampered.",
        receipt: tampered((r) => ((r as { format: string }).format = "evidence-receipt/v9")),
        files: single,
        expect: { verdict: "unverifiable" },
      },
      {
        name: "not_a_receipt_format_fail",
        why: "The format names no version of this receipt at all.",
        receipt: tampered((r) => ((r as { format: string }).format = "evidence-certificate/v1")),
        files: single,
        expect: { verdict: "invalid", step: "format", code: "RECEIPT_UNSUPPORTED_FORMAT" },
      },
      {
        name: "pending_with_anchor_fail",
        why: 'The status says "pending" on a receipt that carries an anchor.',
        receipt: tampered((r) => ((r as { status: string }).status = "pending")),
        files: single,
        expect: { verdict: "invalid", step: "format", code: "RECEIPT_STATUS_INCONSISTENT" },
      },
      {
        name: "unknown_status_fail",
        why: 'The status is "confirmed", which is none of the known values (pending, anchored).',
        receipt: tampered((r) => ((r as { status: string }).status = "confirmed")),
        files: single,
        expect: { verdict: "invalid", step: "format", code: "RECEIPT_MALFORMED" },
      },
      {
        name: "random_tx_hash_fail",
        why: "The anchor's transaction hash is replaced by a random one: the chain has no such transaction.",
        receipt: tampered((r) => (r.anchor.txHash = `0x${"5a".repeat(32)}`)),
        files: single,
        expect: { verdict: "invalid", step: "transaction", code: "TRANSACTION_NOT_FOUND" },
      },
      {
        name: "other_tx_hash_fail",
        why: "The anchor's transaction hash names a real transaction of the ledger: the anchor of another batch.",
        receipt: tampered((r) => (r.anchor.txHash = alone.anchor.txHash)),
        files: single,
        expect: { verdict: "invalid", step: "transaction", code: "TRANSACTION_MISMATCH" },
      },
      {
        name: "intake_signed_by_another_key_fail",
        why: "intake.operator and intake.signature are replaced by another key's, signing the same leaf: the signer is not the operator that anchored the batch.",
        receipt: tampered((r) => {
          const key = "0x" + "22".repeat(32);
          r.intake.operator = new Wallet(key).address;
          r.intake.signature = signStatement(key, r);
        }),
        files: single,
        expect: { verdict: "invalid", step: "signature", code: "SIGNER_NOT_ANCHORING_OPERATOR" },
      },
      {
        name: "intake_chain_id_fail",
        why: "intake.chainId differs from the anchor's: the intake statement names another ledger.",
        receipt: tampered((r) => (r.intake.chainId = "1")),
        files: single,
        expect: { verdict: "invalid", step: "signature", code: "INTAKE_LEDGER_MISMATCH" },
      },
      {
        name: "intake_contract_fail",
        why: "intake.contract differs from the anchor's: the intake statement names another ledger.",
        receipt: tampered(
          (r) => (r.intake.contract = "0x000000000000000000000000000000000000dEaD"),
        ),
        files: single,
        expect: { verdict: "invalid", step: "signature", code: "INTAKE_LEDGER_MISMATCH" },
      },
      {
        name: "anchor_deadline_moved_fail",
        why: "intake.anchorDeadline is moved an hour later: the deadline is part of the signed intake statement, so the signature no longer verifies.",
        receipt: tampered(
          (r) =>
            (r.intake.anchorDeadline = new Date(
              Date.parse(r.intake.anchorDeadline) + 3_600_000,
            ).toISOString()),
        ),
        files: single,
        expect: { verdict: "invalid", step: "signature", code: "SIGNATURE_INVALID" },
      },
      {
        name: "v2_format_on_v3_receipt_fail",
        why: "The format is changed to evidence-receipt/v2: a v2 receipt carries an evidence-record/v1, whose values stand in the clear, never a record that commits to them.",
        receipt: tampered((r) => ((r as { format: string }).format = "evidence-receipt/v2")),
        files: single,
        expect: { verdict: "invalid", step: "format", code: "RECEIPT_MALFORMED" },
      },
      {
        name: "valid_without_disclosures",
        why: "The receipt the public is given: the committed record, its personal values digests, and no disclosure. It verifies whole; the values stay hidden.",
        receipt: tampered((r) => ((r as { disclosures?: string[] }).disclosures = [])),
        files: single,
        expect: { verdict: "valid" },
      },
      {
        name: "valid_some_disclosures",
        why: "A receipt with only some of the record's disclosures (what the other party of a case is shown): each matches one digest, the rest stay hidden.",
        receipt: tampered(
          (r) => ((r as { disclosures?: string[] }).disclosures = disclosuresOf(r).slice(0, 1)),
        ),
        files: single,
        expect: { verdict: "valid" },
      },
      {
        name: "disclosure_value_changed_fail",
        why: "One disclosure keeps its salt and name but carries another value: its digest stands nowhere in the record.",
        receipt: tampered((r) => {
          const [first, ...rest] = disclosuresOf(r);
          (r as { disclosures?: string[] }).disclosures = [forged(first!, "Someone Else"), ...rest];
        }),
        files: single,
        expect: { verdict: "invalid", step: "disclosures", code: "DISCLOSURE_UNUSED" },
      },
      {
        name: "disclosure_of_another_record_fail",
        why: "A disclosure of another record (same ledger, same kind of field) is added: its digest is that record's, not this one's.",
        receipt: tampered(
          (r) =>
            ((r as { disclosures?: string[] }).disclosures = [
              ...disclosuresOf(r),
              disclosuresOf(r2!)[0]!,
            ]),
        ),
        files: single,
        expect: { verdict: "invalid", step: "disclosures", code: "DISCLOSURE_UNUSED" },
      },
      {
        name: "disclosure_given_twice_fail",
        why: "The same disclosure is given twice: each must match a digest exactly once.",
        receipt: tampered(
          (r) =>
            ((r as { disclosures?: string[] }).disclosures = [
              ...disclosuresOf(r),
              disclosuresOf(r)[0]!,
            ]),
        ),
        files: single,
        expect: { verdict: "invalid", step: "disclosures", code: "DISCLOSURE_MISMATCH" },
      },
      {
        name: "committed_digest_removed_fail",
        why: "A digest is removed from the record's _sd list (to hide that a value was committed to): the record no longer hashes to its leaf.",
        receipt: tampered((r) => {
          const collector = (r.record.metadata.collection as { collector: { _sd: string[] } })
            .collector;
          collector._sd = collector._sd.slice(1);
        }),
        files: single,
        expect: { verdict: "invalid", step: "leaf", code: "LEAF_HASH_MISMATCH" },
      },
    ];
    await running.stop();
    await rm(OUT, { recursive: true, force: true });
    await mkdir(join(OUT, "chain"), { recursive: true });
    await cp(join(dir, "chain", "blocks.jsonl"), join(OUT, "chain", "blocks.jsonl"));
    for (const v of vectors)
      await writeVector({ ...v, receiptText: JSON.stringify(v.receipt, null, 2) + "\n" });
    await deriveStrictVectors();
    await writeFile(
      join(OUT, "README.md"),
      "# Verification vectors, evidence-receipt/v3\n\nOne folder per case: `receipt.json`, the `files/` a verifier holds, `expected.json`, and a README saying why. A `_fail` suffix marks cases that must fail; `unknown_major_version` must be reported as unverifiable (not judged), not as invalid. `chain/blocks.jsonl` is the journal of the embedded chain the receipts were anchored on: replaying it (EmbeddedChain) reproduces every block hash. The records are evidence-record/v2: personal values are SD-JWT digests and `disclosures` reveal them (README, Personal values). Regenerate with `npm run make-vectors`; the v1 and v2 vectors beside this folder are kept as made.\n",
    );
    console.log(`wrote ${vectors.length} vectors to ${OUT}`);
  } finally {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeVector(v: Omit<Vector, "receipt"> & { receiptText: string }): Promise<void> {
  const folder = join(OUT, v.name);
  await mkdir(join(folder, "files"), { recursive: true });
  await writeFile(join(folder, "receipt.json"), v.receiptText);
  for (const f of v.files) await writeFile(join(folder, "files", f.name), f.content);
  await writeFile(join(folder, "expected.json"), JSON.stringify(v.expect, null, 2) + "\n");
  await writeFile(
    join(folder, "README.md"),
    `# ${v.name}\n\n${v.why}\n\nExpected: ${v.expect.verdict}${v.expect.step ? `, the ${v.expect.step} check fails with ${v.expect.code}` : ""}.\n`,
  );
}

/** The strict-reading vectors (see strict-vectors.ts), from the set's valid_single_file. */
async function deriveStrictVectors(): Promise<void> {
  const base = join(OUT, "valid_single_file");
  const text = await readFile(join(base, "receipt.json"), "utf8");
  const names = await readdir(join(base, "files"));
  const files = await Promise.all(
    names.map(async (name) => ({
      name,
      content: await readFile(join(base, "files", name), "utf8"),
    })),
  );
  for (const t of STRICT_TAMPERINGS)
    await writeVector({
      name: t.name,
      why: t.why,
      files,
      expect: t.expect,
      receiptText: t.change(text),
    });
}

const run = process.argv.includes("--derive-only") ? deriveStrictVectors : main;
run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
