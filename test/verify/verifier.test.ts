import { expect } from "chai";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Wallet } from "ethers";
import type { AnchoredReceipt } from "../../service/receipts";
import { verifyReceipt, type ChainReader } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";
import { exampleRecord } from "../support/http-client";
import { signIntakeStatement } from "../support/intake-statement";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { deployRuntimeCode } from "../support/look-alike";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const flipHex = (hex: string, at = 10) =>
  hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
type Mutable = AnchoredReceipt & Record<string, unknown>;
const disclosuresOf = (r: unknown) => (r as { disclosures: string[] }).disclosures;

describe("receipt verification", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let chain: ChainReader;
  let receipt: AnchoredReceipt;
  const fileContent = "evidence bytes 证据";

  before(async () => {
    notary = await startTestNotary({ BATCH_MAX_WAIT_MS: "300" });
    chain = providerChainReader(notary.chain.provider);
    // Three records in one batch, so the proof has a path and the last leaf is promoted.
    const answers = await Promise.all(
      ["a", "b", fileContent].map(async (content) =>
        notary.client.postRecord(await exampleRecord("evidence"), [{ name: "f.txt", content }]),
      ),
    );
    receipt = await waitAnchored(notary.client, (answers[2]!.body as { id: string }).id);
  });
  after(async () => notary?.stop());

  const tamper = (change: (r: Mutable) => void): Mutable => {
    const copy = structuredClone(receipt) as Mutable;
    change(copy);
    return copy;
  };
  const run = (r: unknown, fileDigests = [sha256(fileContent)], reader = chain) =>
    verifyReceipt({ receipt: r, fileDigests, chain: reader });

  it("accepts a genuine receipt and says what it proves", async () => {
    const result = await run(receipt);
    expect(result.steps.map((s) => `${s.step}:${s.status}`)).to.deep.equal([
      "format:pass",
      "files:pass",
      "leaf:pass",
      "disclosures:pass",
      "inclusion:pass",
      "batch:pass",
      "transaction:pass",
      "block:pass",
      "signature:pass",
      "witnesses:skip",
    ]);
    expect(result.verdict).to.equal("valid");
    expect(result.proves).to.deep.include({
      seq: receipt.record.seq,
      chainId: "31337",
      developmentChain: true,
    });
    // No witness but the operator's own chain: the block time, and said to be not independent.
    expect(result.proves).to.deep.include({
      existedBy: new Date(receipt.anchor.blockTimestamp * 1000).toISOString(),
      existedBySource: `chain 31337 block ${receipt.anchor.blockNumber}`,
      independent: false,
    });
    expect(result.witnesses).to.deep.equal([
      {
        type: "evm-chain",
        name: `chain 31337 block ${receipt.anchor.blockNumber}`,
        time: new Date(receipt.anchor.blockTimestamp * 1000).toISOString(),
        controlledByOperator: true,
        status: "verified",
        code: "OK",
        message: "the anchor transaction's block",
      },
    ]);
  });

  const cases: {
    name: string;
    receipt: () => unknown;
    files?: string[];
    reader?: () => ChainReader;
    step: string;
    code: string;
  }[] = [
    {
      name: "a file that is not the one in the record",
      receipt: () => receipt,
      files: [sha256(fileContent + "!")],
      step: "files",
      code: "FILE_DIGEST_MISMATCH",
    },
    {
      name: "an altered record",
      receipt: () => tamper((r) => (r.record.receivedAt = "2020-01-01T00:00:00.000Z")),
      step: "leaf",
      code: "LEAF_HASH_MISMATCH",
    },
    {
      name: "a flipped proof byte",
      receipt: () => tamper((r) => (r.anchor.auditPath[0] = flipHex(r.anchor.auditPath[0]!))),
      step: "inclusion",
      code: "PROOF_INVALID",
    },
    {
      name: "a wrong leaf index",
      receipt: () =>
        tamper((r) => (r.anchor.leafIndex = (r.anchor.leafIndex + 1) % r.anchor.treeSize)),
      step: "inclusion",
      code: "PROOF_INVALID",
    },
    // RFC 9162 uses the size only for the path's shape, so some wrong sizes still walk to the
    // root; the count the chain holds for the batch refuses them.
    {
      name: "a wrong tree size",
      receipt: () => tamper((r) => (r.anchor.treeSize += 1)),
      step: "inclusion|batch",
      code: "PROOF_INVALID|BATCH_RANGE_MISMATCH",
    },
    {
      name: "a wrong root",
      receipt: () => tamper((r) => (r.anchor.root = flipHex(r.anchor.root))),
      step: "inclusion",
      code: "PROOF_INVALID",
    },
    {
      name: "a batch index the chain does not hold",
      receipt: () => tamper((r) => (r.anchor.batchIndex += 1000)),
      step: "batch",
      code: "BATCH_NOT_ON_CHAIN",
    },
    {
      name: "a wrong contract",
      receipt: () => tamper((r) => (r.anchor.contract = Wallet.createRandom().address)),
      step: "batch",
      code: "BATCH_NOT_ON_CHAIN",
    },
    {
      name: "a wrong chain id",
      receipt: () => tamper((r) => (r.anchor.chainId = "1")),
      step: "batch",
      code: "WRONG_CHAIN",
    },
    {
      name: "a wrong block hash",
      receipt: () => tamper((r) => (r.anchor.blockHash = flipHex(r.anchor.blockHash))),
      // The anchor transaction was mined in the true block: its check sees it first.
      step: "transaction",
      code: "TRANSACTION_MISMATCH",
    },
    {
      name: "a bad intake signature",
      receipt: () =>
        tamper((r) => (r.intake.signature = signIntakeStatement(Wallet.createRandom(), r))),
      step: "signature",
      code: "SIGNATURE_INVALID",
    },
    {
      name: "a format that is not a receipt",
      receipt: () => tamper((r) => (r.format = "evidence-certificate/v1" as never)),
      step: "format",
      code: "RECEIPT_UNSUPPORTED_FORMAT",
    },
    {
      name: "a random anchor transaction hash",
      receipt: () => tamper((r) => (r.anchor.txHash = `0x${"ab".repeat(32)}`)),
      step: "transaction",
      code: "TRANSACTION_NOT_FOUND",
    },
    {
      name: "the intake operator and signature of another key",
      receipt: () =>
        tamper((r) => {
          const other = new Wallet(`0x${"22".repeat(32)}`);
          r.intake.operator = other.address;
          r.intake.signature = signIntakeStatement(other, r);
        }),
      step: "signature",
      code: "SIGNER_NOT_ANCHORING_OPERATOR",
    },
    {
      name: "an intake chain id other than the anchor's",
      receipt: () => tamper((r) => (r.intake.chainId = "1")),
      step: "signature",
      code: "INTAKE_LEDGER_MISMATCH",
    },
    {
      name: "an intake contract other than the anchor's",
      receipt: () =>
        tamper((r) => (r.intake.contract = "0x000000000000000000000000000000000000dEaD")),
      step: "signature",
      code: "INTAKE_LEDGER_MISMATCH",
    },
    {
      name: "an anchor deadline moved by a second (it is signed)",
      receipt: () =>
        tamper(
          (r) =>
            (r.intake.anchorDeadline = new Date(
              Date.parse(r.intake.anchorDeadline) + 1_000,
            ).toISOString()),
        ),
      step: "signature",
      code: "SIGNATURE_INVALID",
    },
    {
      name: "a v3 receipt relabelled v1 (a v1 receipt never carries a v2 record)",
      receipt: () => tamper((r) => (r.format = "evidence-receipt/v1" as never)),
      step: "format",
      code: "RECEIPT_MALFORMED",
    },
    {
      name: "a disclosure whose value was changed (its digest stands nowhere in the record)",
      receipt: () =>
        tamper((r) => {
          const [salt, name] = JSON.parse(
            Buffer.from(disclosuresOf(r)[0]!, "base64url").toString(),
          ) as [string, string];
          const forged = Buffer.from(JSON.stringify([salt, name, "Someone Else"])).toString(
            "base64url",
          );
          r.disclosures = [forged, ...disclosuresOf(r).slice(1)];
        }),
      step: "disclosures",
      code: "DISCLOSURE_UNUSED",
    },
    {
      name: "a disclosure given twice",
      receipt: () => tamper((r) => (r.disclosures = [...disclosuresOf(r), disclosuresOf(r)[0]])),
      step: "disclosures",
      code: "DISCLOSURE_MISMATCH",
    },
    {
      name: "a digest the record commits to replaced by one of a forged disclosure",
      receipt: () =>
        tamper((r) => {
          const collector = (r.record.metadata.collection as { collector: { _sd: string[] } })
            .collector;
          collector._sd = [...collector._sd].reverse(); // order only: the leaf still fails
          collector._sd.push("AAAA");
        }),
      step: "leaf",
      code: "LEAF_HASH_MISMATCH",
    },
    {
      name: "a pending status on a receipt that has an anchor",
      receipt: () => tamper((r) => (r.status = "pending" as never)),
      step: "format",
      code: "RECEIPT_STATUS_INCONSISTENT",
    },
    {
      name: "a truncated receipt",
      receipt: () => JSON.stringify(receipt).slice(0, 200),
      step: "format",
      code: "RECEIPT_UNSUPPORTED_FORMAT",
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}, naming the ${c.step} check (${c.code})`, async () => {
      const result = await run(c.receipt(), c.files, c.reader?.());
      expect(result.verdict).to.equal("invalid");
      const failed = result.steps.find((s) => s.status === "fail");
      expect(c.step.split("|")).to.include(failed?.step);
      expect(c.code.split("|")).to.include(failed?.code);
    });
  }

  it("shows the record with what its disclosures give, and the rest hidden, and verifies either way", async () => {
    const full = await run(receipt);
    expect(disclosuresOf(receipt)).to.have.length.greaterThan(0);
    expect(full.disclosed?.hidden).to.deep.equal([]);
    const collection = full.disclosed?.metadata.collection as Record<
      string,
      Record<string, unknown>
    >;
    expect(collection.collector).to.have.property("name").that.is.a("string");
    // The public's receipt: the same record and proof without a single disclosure.
    const bare = await run(tamper((r) => (r.disclosures = [])));
    expect(bare.verdict).to.equal("valid");
    expect(bare.disclosed?.hidden.length).to.equal(disclosuresOf(receipt).length);
    const shown = bare.disclosed?.metadata.collection as Record<string, Record<string, unknown>>;
    expect(shown.collector).to.not.have.property("name");
    // Any one disclosure alone verifies too: a party is shown what it may see.
    const one = await run(tamper((r) => (r.disclosures = disclosuresOf(r).slice(0, 1))));
    expect([one.verdict, one.disclosed?.hidden.length]).to.deep.equal([
      "valid",
      disclosuresOf(receipt).length - 1,
    ]);
  });

  it("skips the checks resting on a failed one instead of failing them too", async () => {
    const altered = await run(tamper((r) => (r.record.receivedAt = "2020-01-01T00:00:00.000Z")));
    const byStep = Object.fromEntries(altered.steps.map((s) => [s.step, [s.status, s.code]]));
    // The path is not judged from a leaf the record does not hash to, nor the witnesses.
    expect(byStep).to.deep.include({
      leaf: ["fail", "LEAF_HASH_MISMATCH"],
      inclusion: ["skip", "SKIPPED"],
      witnesses: ["skip", "SKIPPED"],
      batch: ["pass", "OK"],
    });
    expect(altered.steps.filter((s) => s.status === "fail")).to.have.length(1);
    const otherChain = await run(tamper((r) => (r.anchor.chainId = "1")));
    expect(otherChain.steps.map((s) => [s.step, s.status])).to.deep.include.members([
      ["batch", "fail"],
      ["transaction", "skip"],
      ["block", "skip"],
    ]);
  });

  it("says it cannot judge a later major version, rather than calling it tampered", async () => {
    const result = await run(tamper((r) => (r.format = "evidence-receipt/v4" as never)));
    expect(result.verdict).to.equal("unverifiable");
    expect(result.steps[0]).to.include({ step: "format", status: "error" });
  });

  it("accepts harmless variation: address case and unknown optional fields", async () => {
    const varied = tamper((r) => {
      r.anchor.contract = r.anchor.contract.toLowerCase();
      r.intake.operator = r.intake.operator.toLowerCase();
      (r as unknown as { note: string }).note = "added by a later writer";
      (r.anchor as unknown as { extra: number }).extra = 1;
    });
    expect((await run(varied)).verdict).to.equal("valid");
  });

  it("says it could not check when the chain is unreachable", async () => {
    const down: ChainReader = {
      chainId: () => Promise.reject(new Error("ECONNREFUSED")),
      code: () => Promise.reject(new Error("ECONNREFUSED")),
      batchOf: async () => undefined,
      block: async () => undefined,
      latestBlockNumber: async () => 0,
      transaction: async () => undefined,
    };
    const result = await run(receipt, undefined, down);
    expect(result.verdict).to.equal("unverifiable");
    expect(result.steps.find((s) => s.status === "error")?.code).to.equal("CHAIN_UNREACHABLE");
  });

  describe("scripts/verify.ts (needs only the RPC)", () => {
    const exec = promisify(execFile);
    const cli = async (args: string[]) =>
      exec(process.execPath, [...RUN_TYPESCRIPT, "scripts/verify.ts", ...args]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout + e.stderr,
        }),
      );
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "verify-cli-"));
      await writeFile(join(dir, "receipt.json"), JSON.stringify(receipt));
      await writeFile(join(dir, "f.txt"), fileContent);
      await writeFile(join(dir, "other.txt"), "not the evidence");
      await writeFile(join(dir, "truncated.json"), JSON.stringify(receipt).slice(0, 100));
    });

    it("exits 0 with every check ticked and the verdict for a valid receipt", async () => {
      const { code, stdout } = await cli([
        "--receipt",
        join(dir, "receipt.json"),
        "--file",
        join(dir, "f.txt"),
        "--rpc",
        notary.rpcUrl!,
      ]);
      expect(code, stdout).to.equal(0);
      // Eight checks, then the one witness: the operator's own chain.
      expect(stdout.match(/✓/g)).to.have.length(10);
      expect(stdout).to.match(/✓ chain 31337 block \d+, .* \(controlled by the operator\)/);
      expect(stdout).to.include("no witness independent of the operator was verified");
      expect(stdout).to.include(`VALID: integrity of record ${receipt.record.id}`);
      expect(stdout).to.include("and all 1 of its files");
      expect(stdout).to.include(`position seq ${receipt.record.seq}`);
      expect(stdout).to.include("local development chain");
    });

    it("says the files were not checked when none was given", async () => {
      const { code, stdout } = await cli([
        "--receipt",
        join(dir, "receipt.json"),
        "--rpc",
        notary.rpcUrl!,
      ]);
      expect(code, stdout).to.equal(0);
      expect(stdout).to.include("its 1 file(s) were NOT checked");
      expect(stdout).not.to.include("and its files");
    });

    it("prints its usage for --help and exits 0", async () => {
      const { code, stdout } = await cli(["--help"]);
      expect(code).to.equal(0);
      expect(stdout).to.include("usage: npm run verify");
      expect(stdout).not.to.include("Unknown option");
    });

    it("exits 1 naming the failed check for the wrong file", async () => {
      const { code, stdout } = await cli([
        "--receipt",
        join(dir, "receipt.json"),
        "--file",
        join(dir, "other.txt"),
        "--rpc",
        notary.rpcUrl!,
        "--json",
      ]);
      expect(code).to.equal(1);
      const json = JSON.parse(stdout) as {
        verdict: string;
        results: { steps: { step: string; code: string; status: string }[] }[];
      };
      expect(json.verdict).to.equal("invalid");
      expect(json.results[0]!.steps.find((s) => s.status === "fail")).to.include({
        step: "files",
        code: "FILE_DIGEST_MISMATCH",
      });
    });

    it("upgrades a pending receipt from the service after checking it, and saves it", async () => {
      const answer = await notary.client.postRecord(await exampleRecord("filing"));
      const pending = answer.body as { id: string; receipt: { status: string } };
      expect(pending.receipt.status).to.equal("pending");
      await writeFile(join(dir, "pending.json"), JSON.stringify(pending.receipt));
      await writeFile(join(dir, "key"), notary.client.apiKey!);
      await waitAnchored(notary.client, pending.id);
      const args = [
        "--upgrade",
        "--receipt",
        join(dir, "pending.json"),
        "--service",
        notary.url,
        "--api-key-file",
        join(dir, "key"),
        "--rpc",
        notary.rpcUrl!,
      ];
      const { code, stdout } = await cli(args);
      expect(code, stdout).to.equal(0);
      const saved = JSON.parse(await readFile(join(dir, "pending.json"), "utf8")) as {
        status: string;
        record: { id: string };
      };
      expect([saved.status, saved.record.id]).to.deep.equal(["anchored", pending.id]);
    });

    it("exits 1 for a truncated receipt, 2 when the RPC is down or the arguments are bad", async () => {
      expect(
        (await cli(["--receipt", join(dir, "truncated.json"), "--rpc", notary.rpcUrl!])).code,
      ).to.equal(1);
      const down = await cli([
        "--receipt",
        join(dir, "receipt.json"),
        "--rpc",
        "http://127.0.0.1:9",
      ]);
      expect([down.code, down.stdout.includes("CHAIN_UNREACHABLE")]).to.deep.equal([2, true]);
      expect((await cli(["--rpc", notary.rpcUrl!])).code).to.equal(2);
      expect(
        (await cli(["--receipt", join(dir, "missing.json"), "--rpc", notary.rpcUrl!])).code,
      ).to.equal(2);
    });
  });
});

describe("POST /v1/verify and /v1/rpc (public)", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let receipt: AnchoredReceipt;
  const content = "verify over HTTP";

  before(async () => {
    notary = await startTestNotary();
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "v.txt", content },
    ]);
    receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
  });
  after(async () => notary?.stop());

  const open = () => notary.client.withKey(undefined);

  const storedFiles = async () => {
    const digests: string[] = [];
    for await (const d of notary.files.digests()) digests.push(d);
    return digests.sort();
  };

  it("verifies a receipt with the files uploaded, storing none of them", async () => {
    const before = await storedFiles();
    const form = new FormData();
    form.append("receipt", JSON.stringify(receipt));
    form.append("files", new Blob([content]), "v.txt");
    const response = await fetch(`${notary.url}/v1/verify`, { method: "POST", body: form });
    const body = (await response.json()) as {
      verdict: string;
      steps: { step: string; status: string }[];
    };
    expect(response.status).to.equal(200);
    expect(body.verdict).to.equal("valid");
    expect(body.steps.filter((s) => s.status !== "pass")).to.deep.equal([
      {
        step: "witnesses",
        status: "skip",
        code: "NO_WITNESSES",
        message: "no witness besides the chain anchor",
      },
    ]);

    // A file the store has never seen must not be kept either (the one above was already there).
    const stranger = new FormData();
    stranger.append("receipt", JSON.stringify(receipt));
    stranger.append("files", new Blob([`never stored ${Date.now()} ${Math.random()}`]), "x.txt");
    const refused = (await (
      await fetch(`${notary.url}/v1/verify`, { method: "POST", body: stranger })
    ).json()) as { verdict: string };
    expect(refused.verdict).to.equal("invalid");
    expect(await storedFiles()).to.deep.equal(before);
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]);
  });

  it("verifies a receipt with digests as JSON, and names the failed check of a wrong file", async () => {
    const good = await open().postJson("/v1/verify", { receipt, fileDigests: [sha256(content)] });
    expect((good.body as { verdict: string }).verdict).to.equal("valid");
    const bad = await open().postJson("/v1/verify", { receipt, fileDigests: [sha256("other")] });
    const body = bad.body as {
      verdict: string;
      steps: { step: string; status: string; code: string }[];
    };
    expect(body.verdict).to.equal("invalid");
    expect(body.steps.find((s) => s.status === "fail")).to.include({
      step: "files",
      code: "FILE_DIGEST_MISMATCH",
    });
  });

  it("answers malformed input with a code, never a 500", async () => {
    const truncated = await open().postRaw(
      "/v1/verify",
      JSON.stringify({ receipt }).slice(0, 50),
      "application/json",
    );
    expect([
      truncated.status,
      (truncated.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([400, "RECORD_INVALID_JSON"]);
    const digests = await open().postJson("/v1/verify", { receipt, fileDigests: ["xyz"] });
    expect([
      digests.status,
      (digests.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([400, "FILE_DIGEST_INVALID"]);
    const garbage = await open().postJson("/v1/verify", { receipt: { format: "nope" } });
    expect((garbage.body as { steps: { code: string }[] }).steps[0]!.code).to.equal(
      "RECEIPT_UNSUPPORTED_FORMAT",
    );
  });

  it("refuses a receipt anchored in a look-alike ledger (code not a published build)", async () => {
    const lookAlike = await deployRuntimeCode(notary.chain, "0x5b600056");
    const forged = structuredClone(receipt);
    forged.anchor.contract = lookAlike;
    forged.intake.contract = lookAlike;
    const result = await verifyReceipt({
      receipt: forged,
      fileDigests: [],
      chain: providerChainReader(notary.chain.provider),
    });
    expect(result.steps.find((s) => s.status === "fail")).to.include({
      step: "batch",
      code: "LEDGER_CODE_UNKNOWN",
    });
  });

  it("answers 400 to TSA roots it cannot read, never a verdict without them", async () => {
    for (const tsaCa of [
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----",
    ]) {
      const answer = await open().postJson("/v1/verify", { receipt, fileDigests: [], tsaCa });
      expect([
        answer.status,
        (answer.body as { error: { code: string } }).error.code,
      ]).to.deep.equal([400, "TSA_CA_INVALID"]);
    }
  });

  it("proxies read methods to the ledger's chain and refuses the others", async () => {
    const call = (method: string, params: unknown[] = []) =>
      open().postJson("/v1/rpc", { jsonrpc: "2.0", id: 7, method, params });
    const chainId = await call("eth_chainId");
    expect(chainId.body).to.deep.equal({ jsonrpc: "2.0", id: 7, result: "0x7a69" });
    const block = await call("eth_getBlockByNumber", [
      `0x${receipt.anchor.blockNumber.toString(16)}`,
      false,
    ]);
    expect((block.body as { result: { hash: string } }).result.hash).to.equal(
      receipt.anchor.blockHash,
    );
    const refused = await call("eth_sendRawTransaction", ["0x00"]);
    expect((refused.body as { error: { code: number } }).error.code).to.equal(-32601);
  });
});
