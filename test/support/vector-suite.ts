import { expect } from "chai";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { getBytes } from "ethers";
import { connectEmbedded, type ChainConnection } from "../../service/chain";
import { leafHashOfRecord } from "../../service/records";
import { parseReceipt } from "../../service/receipts";
import { verifyReceipt, type Verification } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";
import { EvidenceLedger__factory } from "../../typechain-types";
import { verifyInclusion } from "../../service/merkle";
import { newDataDir, startTestNotary, type TestNotary } from "./notary";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

/** v1 and v2: receipts issued before, kept as made and verified for ever; v3: issued now. */

interface LoadedVector {
  name: string;
  receiptText: string;
  files: { name: string; bytes: Buffer }[];
  expected: { verdict: string; step?: string; code?: string };
}

async function loadVectors(VECTORS: string): Promise<LoadedVector[]> {
  const names = (await readdir(VECTORS, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && d.name !== "chain")
    .map((d) => d.name);
  return Promise.all(
    names.map(async (name) => {
      const folder = join(VECTORS, name);
      const fileNames = await readdir(join(folder, "files"));
      return {
        name,
        receiptText: await readFile(join(folder, "receipt.json"), "utf8"),
        files: await Promise.all(
          fileNames.map(async (f) => ({
            name: f,
            bytes: await readFile(join(folder, "files", f)),
          })),
        ),
        expected: JSON.parse(
          await readFile(join(folder, "expected.json"), "utf8"),
        ) as LoadedVector["expected"],
      };
    }),
  );
}

const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const firstFailure = (v: Pick<Verification, "steps">) => v.steps.find((s) => s.status === "fail");

function expectOutcome(
  vector: LoadedVector,
  result: Pick<Verification, "verdict" | "steps">,
  by: string,
): void {
  expect(result.verdict, `${by}: ${vector.name}`).to.equal(vector.expected.verdict);
  if (vector.expected.step)
    expect(
      [firstFailure(result)?.step, firstFailure(result)?.code],
      `${by}: ${vector.name}`,
    ).to.deep.equal([vector.expected.step, vector.expected.code]);
}

/** The receipt format the service issues now: the CLI runs every one of its vectors. */
const CURRENT_SET = "v3";

/**
 * The shared vectors of one receipt format through every verifier: core, contract, CLI and the
 * service. One file per format, so the three run beside each other.
 */
export function describeVectors(set: "v1" | "v2" | "v3"): void {
  describe(`shared verification vectors (test/vectors/${set})`, function () {
    this.timeout(180_000);
    const VECTORS = join(__dirname, "..", "vectors", set);
    let vectors: LoadedVector[];
    let chain: ChainConnection;

    before(async () => {
      vectors = await loadVectors(VECTORS);
      // Replay the vectors' chain from its journal, in a copy: every block hash comes back.
      const dir = await newDataDir();
      await cp(join(VECTORS, "chain"), dir, { recursive: true });
      chain = await connectEmbedded({ dir, host: "127.0.0.1", port: 0 });
    });
    after(async () => chain?.close());

    it("has the required cases", () => {
      const names = vectors.map((v) => v.name);
      for (const required of [
        "valid_single_file",
        "valid_multi_file",
        "valid_last_leaf_odd_tree",
        "valid_single_leaf_batch",
        "flipped_file_byte_fail",
        "flipped_proof_byte_fail",
        "wrong_leaf_index_fail",
        "wrong_tree_size_fail",
        "wrong_root_fail",
        "root_not_on_chain_fail",
        "wrong_contract_fail",
        "wrong_chain_id_fail",
        "bad_signature_fail",
        "unknown_major_version",
        "not_a_receipt_format_fail",
        "pending_with_anchor_fail",
        "random_tx_hash_fail",
        "other_tx_hash_fail",
        "intake_signed_by_another_key_fail",
        "intake_chain_id_fail",
        "intake_contract_fail",
        ...(set === "v2"
          ? ["anchor_deadline_moved_fail", "v1_format_on_v2_signature_fail", "unknown_status_fail"]
          : []),
      ]) {
        expect(names).to.include(required);
      }
      for (const v of vectors.filter((v) => v.name.startsWith("valid_")))
        expect(JSON.parse(v.receiptText).format, v.name).to.equal(`evidence-receipt/${set}`);
    });

    it("gives the expected verdict with the verifier core", async () => {
      const reader = providerChainReader(chain.provider);
      for (const v of vectors) {
        const result = await verifyReceipt({
          receipt: JSON.parse(v.receiptText),
          fileDigests: v.files.map((f) => digest(f.bytes)),
          chain: reader,
        });
        expectOutcome(v, result, "core");
      }
    });

    it("gives the core's inclusion verdict with the contract's verifyInclusion", async () => {
      for (const v of vectors) {
        let receipt;
        try {
          receipt = parseReceipt(JSON.parse(v.receiptText));
        } catch {
          continue; // not a receipt this version reads: nothing to prove
        }
        if (receipt.status !== "anchored") continue;
        const a = receipt.anchor;
        const proof = {
          leafHash: leafHashOfRecord(receipt.record),
          leafIndex: a.leafIndex,
          treeSize: a.treeSize,
          auditPath: a.auditPath.map((p) => getBytes(p)),
          root: getBytes(a.root),
        };
        const ledger = EvidenceLedger__factory.connect(
          (await loadGenuineContract()) ?? a.contract,
          chain.provider,
        );
        expect(
          await ledger.verifyInclusion(
            proof.leafHash,
            a.leafIndex,
            a.treeSize,
            a.auditPath,
            a.root,
          ),
          v.name,
        ).to.equal(verifyInclusion(proof));
      }
    });

    async function loadGenuineContract(): Promise<string | undefined> {
      const genuine = vectors.find((v) => v.name === "valid_single_file");
      return genuine
        ? (JSON.parse(genuine.receiptText) as { anchor: { contract: string } }).anchor.contract
        : undefined;
    }

    it("gives the expected verdict and exit code with the CLI over JSON-RPC", async () => {
      const run = promisify(execFile);
      // The CLI is the core behind a Node start of a second or so: every vector of the set
      // issued now, and one per outcome (verdict and failed step) of the older sets.
      const outcomes = new Set<string>();
      const chosen =
        set === CURRENT_SET
          ? vectors
          : vectors.filter((v) => {
              const outcome = `${v.expected.verdict}:${v.expected.step ?? ""}`;
              return !outcomes.has(outcome) && outcomes.add(outcome);
            });
      // Three at a time: each is a Node start, mostly spent loading, not verifying.
      const queue = [...chosen];
      const worker = async (): Promise<void> => {
        for (let v = queue.shift(); v; v = queue.shift()) await runOne(v);
      };
      await Promise.all([worker(), worker(), worker()]);
      async function runOne(v: LoadedVector): Promise<void> {
        const folder = join(VECTORS, v.name);
        const args = [
          ...RUN_TYPESCRIPT,
          "scripts/verify.ts",
          "--json",
          "--receipt",
          join(folder, "receipt.json"),
          "--rpc",
          chain.rpcUrl!,
        ];
        for (const f of v.files) args.push("--file", join(folder, "files", f.name));
        const { code, stdout } = await run(process.execPath, args).then(
          (r) => ({ code: 0, stdout: r.stdout }),
          (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
        );
        expect(code, `cli exit code: ${v.name}`).to.equal(
          { valid: 0, invalid: 1, unverifiable: 2 }[v.expected.verdict],
        );
        const json = JSON.parse(stdout) as {
          verdict: string;
          results: { steps: Verification["steps"] }[];
        };
        expectOutcome(
          v,
          { verdict: json.verdict as Verification["verdict"], steps: json.results[0]!.steps },
          "cli",
        );
      }
    });

    describe("through the service's POST /v1/verify", () => {
      let notary: TestNotary;
      before(async () => {
        // A service whose embedded chain is the vectors' chain (its own deployment is appended).
        const dir = await newDataDir();
        await cp(join(VECTORS, "chain"), join(dir, "chain"), { recursive: true });
        notary = await startTestNotary({}, dir);
      });
      after(async () => notary?.stop());

      it("gives the expected verdict for every vector, with the files uploaded", async () => {
        for (const v of vectors) {
          const form = new FormData();
          form.append("receipt", v.receiptText);
          for (const f of v.files)
            form.append("files", new Blob([new Uint8Array(f.bytes)]), f.name);
          const response = await fetch(`${notary.url}/v1/verify`, { method: "POST", body: form });
          expect(response.status, v.name).to.equal(200);
          expectOutcome(v, (await response.json()) as Verification, "service");
        }
      });
    });
  });
}
