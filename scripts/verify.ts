/**
 * Verifies a receipt with nothing but the files, the receipt and a chain RPC:
 *
 *   npm run verify -- --receipt r.json --file a.pdf [--file b.png] --rpc URL [--rpc URL2]
 *                     [--tsa-ca roots.pem] [--min-confirmations N] [--json]
 *
 * Exit codes: 0 valid, 1 invalid (the failed check is named), 2 could not check (bad
 * arguments, unreadable file, RPC down).
 *
 * Refreshing a pending receipt: add `--upgrade --service URL --api-key-file FILE`. The anchored
 * form is fetched from the service, must be for the same record, and must verify against the
 * RPC before it replaces the receipt file (or goes to `--out FILE`).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EXIT, parseCommandLine, runMain, UsageError, VERDICT_EXIT } from "./cli";
import {
  PUBLIC_CHAIN_IDS,
  verifyReceipt,
  type Verification,
  type WitnessReport,
} from "../service/verify";
import { rpcChainReader } from "../service/chain-reader";
import { certificatesFromPemOrDer } from "../service/witnesses";

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** What the verdict may claim of the files: only those given were hashed and compared. */
function filesClause(named: number, given: number): string {
  if (named === 0) return "";
  if (given === 0)
    return `; its ${named} file(s) were NOT checked (pass them with --file to check them)`;
  if (given < named)
    return ` and ${given} of its ${named} files (the other ${named - given} were NOT checked)`;
  return ` and all ${named} of its files`;
}

/** One line per witness: who, when, whether the operator controls it, whether it was checked. */
function witnessLines(witnesses: readonly WitnessReport[]): string[] {
  if (witnesses.length === 0) return [];
  return [
    "  witnesses of the batch root:",
    ...witnesses.map(
      (w) =>
        `    ${w.status === "verified" ? "✓" : w.status === "failed" ? "✗" : "?"} ${w.name}` +
        `${w.time ? `, ${w.time.replace(".000Z", "Z")}` : ""}` +
        ` (${w.controlledByOperator ? "controlled by the operator" : "independent of the operator"})` +
        `${w.status === "verified" ? "" : `: ${w.code}: ${w.message}`}`,
    ),
  ];
}

function describe(v: Verification, rpc: string, filesGiven: number): string {
  const lines = v.steps.map(
    (s) =>
      `  ${s.status === "pass" ? "✓" : s.status === "skip" ? "-" : "✗"} ${s.step.padEnd(9)} ${s.status === "pass" ? "" : `${s.code}: `}${s.message}`,
  );
  lines.push(...witnessLines(v.witnesses ?? []));
  const record = v.receipt?.record;
  let verdict: string;
  if (v.verdict === "valid" && v.proves && record) {
    const independent = (v.witnesses ?? []).filter(
      (w) => w.status === "verified" && !w.controlledByOperator,
    );
    verdict =
      `VALID: integrity of record ${record.id} (${record.kind})${filesClause(record.files.length, filesGiven)}; existed no later than ` +
      `${v.proves.existedBy.replace(".000Z", "Z")} (per ${v.proves.existedBySource}); position seq ${v.proves.seq} with no gap before it.`;
    if (independent.length > 0)
      verdict += `\n  Independent witnesses: ${independent.map((w) => `${w.name} at ${w.time!.replace(".000Z", "Z")}`).join("; ")}.`;
    else
      verdict += `\n  NOTE: no witness independent of the operator was verified${(v.witnesses ?? []).some((w) => w.type === "rfc3161") ? " (give the TSA's root certificate with --tsa-ca to check its tokens)" : ""}.`;
    if (v.proves.developmentChain)
      verdict += `\n  NOTE: chain ${v.proves.chainId} is a local development chain: this proves integrity only as far as its operator is trusted.`;
    else if (v.witnesses?.[0]?.controlledByOperator)
      verdict += `\n  NOTE: chain ${v.proves.chainId} is not known to be independent of the operator; if it is a public network, name it with --public-chain ${v.proves.chainId}.`;
  } else if (v.verdict === "invalid") {
    const failed = v.steps.find((s) => s.status === "fail")!;
    verdict = `INVALID: ${failed.step} check failed (${failed.code}).`;
  } else {
    const why = v.steps.find((s) => s.status === "error" || s.code === "RECEIPT_PENDING");
    verdict = `COULD NOT CHECK: ${why ? `${why.code}: ${why.message}` : "not all checks could run"}.`;
  }
  return [`receipt checked against ${rpc}`, ...lines, verdict].join("\n");
}

const USAGE = `usage: npm run verify -- --receipt FILE --rpc URL [--rpc URL2] [--file FILE ...]
                         [--min-confirmations N] [--json]
                         [--tsa-ca FILE ...]
       npm run verify -- --receipt FILE --rpc URL --upgrade --service URL --api-key-file FILE [--out FILE]

Checks a receipt with nothing but the receipt, the record's files and a chain RPC.
  --receipt FILE            the receipt (JSON)
  --file FILE               a file of the record, hashed here (repeat for each; unchecked if absent)
  --rpc URL                 a JSON-RPC endpoint of the chain (repeat to cross-check several)
  --public-chain IDS        chain ids this verifier takes as public networks, independent of
                            the operator (default: ${[...PUBLIC_CHAIN_IDS].join(",")}); any
                            other chain is reported "not known to be independent"
  --tsa-ca FILE             root certificate(s) of the TSAs you trust, PEM or DER (repeatable);
                            without it, time-stamp tokens are checked but their TSA is not
  --min-confirmations N     blocks the anchor must be under (default 1)
  --json                    print the verification as JSON
  --upgrade                 fetch the anchored form of a pending receipt from --service first
  --service URL, --api-key-file FILE, --out FILE   for --upgrade
Exit codes: 0 valid, 1 invalid, 2 could not check.
`;

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      receipt: { type: "string" },
      file: { type: "string", multiple: true, default: [] },
      rpc: { type: "string", multiple: true, default: [] },
      "min-confirmations": { type: "string", default: "1" },
      "tsa-ca": { type: "string", multiple: true, default: [] },
      "public-chain": { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      upgrade: { type: "boolean", default: false },
      service: { type: "string" },
      "api-key-file": { type: "string" },
      out: { type: "string" },
    },
  });
  if (!parsed) return EXIT.ok;
  let args = parsed.values;
  // npm runs scripts in the package's folder; paths are the caller's, from where npm was run.
  const here = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
  args = {
    ...args,
    receipt: args.receipt && here(args.receipt),
    file: args.file.map(here),
    "tsa-ca": args["tsa-ca"].map(here),
    out: args.out && here(args.out),
    "api-key-file": args["api-key-file"] && here(args["api-key-file"]),
  };
  if (!args.receipt) throw new UsageError("--receipt FILE is required");
  if (args.rpc.length === 0) throw new UsageError("at least one --rpc URL is required");
  const minConfirmations = Number(args["min-confirmations"]);
  if (!Number.isInteger(minConfirmations) || minConfirmations < 0)
    throw new UsageError("--min-confirmations takes a whole number");

  const text = await readFile(args.receipt, "utf8").catch((e: Error) => {
    throw new UsageError(`cannot read the receipt: ${e.message}`);
  });
  let receipt: unknown;
  try {
    receipt = JSON.parse(text);
  } catch {
    receipt = { malformed: "the receipt file is not valid JSON (truncated?)" };
  }
  if (args.upgrade) {
    if (!args.service || !args["api-key-file"])
      throw new UsageError("--upgrade needs --service URL and --api-key-file FILE");
    receipt = await fetchAnchored(receipt, args.service, args["api-key-file"]);
  }
  const tsaTrustAnchors = (
    await Promise.all(
      args["tsa-ca"].map((f) =>
        readFile(f).catch((e: Error) => {
          throw new UsageError(`cannot read the TSA certificate ${f}: ${e.message}`);
        }),
      ),
    )
  ).flatMap((bytes) => certificatesFromPemOrDer(new Uint8Array(bytes)));
  const fileDigests = await Promise.all(
    args.file.map((f) =>
      sha256OfFile(f).catch((e: Error) => {
        throw new UsageError(`cannot read ${f}: ${e.message}`);
      }),
    ),
  );

  // Chains taken as public: the documented list unless the verifier names its own.
  const named = args["public-chain"].flatMap((c) => c.split(",")).map((c) => c.trim());
  if (named.some((c) => !/^\d+$/.test(c)))
    throw new UsageError("--public-chain takes chain ids (numbers), comma-separated or repeated");
  const publicChains = named.length > 0 ? new Set(named) : PUBLIC_CHAIN_IDS;

  const results: { rpc: string; verification: Verification }[] = [];
  for (const rpc of args.rpc) {
    let verification: Verification;
    try {
      const { reader, close } = await rpcChainReader(rpc);
      try {
        verification = await verifyReceipt({
          receipt,
          fileDigests,
          chain: reader,
          minConfirmations,
          tsaTrustAnchors,
          publicChains,
        });
      } finally {
        close();
      }
    } catch (error) {
      verification = {
        verdict: "unverifiable",
        steps: [
          {
            step: "batch",
            status: "error",
            code: "CHAIN_UNREACHABLE",
            message: `${rpc}: ${(error as Error).message}`,
          },
        ],
      };
    }
    results.push({ rpc, verification });
  }
  // Several RPCs are a cross-check: valid only if every one says so.
  const verdicts = results.map((r) => r.verification.verdict);
  const verdict = verdicts.includes("invalid")
    ? "invalid"
    : verdicts.includes("unverifiable")
      ? "unverifiable"
      : "valid";
  if (args.json) {
    process.stdout.write(
      JSON.stringify(
        {
          verdict,
          results: results.map((r) => ({
            rpc: r.rpc,
            verdict: r.verification.verdict,
            steps: r.verification.steps,
            witnesses: r.verification.witnesses ?? [],
            proves: r.verification.proves,
          })),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    process.stdout.write(
      results.map((r) => describe(r.verification, r.rpc, fileDigests.length)).join("\n\n") + "\n",
    );
  }
  if (args.upgrade && verdict === "valid") {
    await writeFile(args.out ?? args.receipt, JSON.stringify(receipt, null, 2) + "\n");
    process.stderr.write(`anchored receipt saved to ${args.out ?? args.receipt}\n`);
  }
  return VERDICT_EXIT[verdict];
}

/** The anchored form of a pending receipt, from the service; it must be for the same record. */
async function fetchAnchored(
  pending: unknown,
  service: string,
  apiKeyFile: string,
): Promise<unknown> {
  const old = pending as { record?: { id?: string }; leafHash?: string };
  if (typeof old?.record?.id !== "string")
    throw new UsageError("the receipt names no record id to upgrade");
  const key = (
    await readFile(apiKeyFile, "utf8").catch((e: Error) => {
      throw new UsageError(`cannot read the API key: ${e.message}`);
    })
  ).trim();
  const response = await fetch(
    `${service.replace(/\/$/, "")}/v1/records/${encodeURIComponent(old.record.id)}/receipt`,
    {
      headers: { authorization: `Bearer ${key}` },
    },
  ).catch((e: Error) => {
    throw new UsageError(`cannot reach the service: ${e.message}`);
  });
  if (response.status !== 200)
    throw new UsageError(`the service answered ${response.status}: ${await response.text()}`);
  const fresh = (await response.json()) as { leafHash?: string };
  // The service must not swap in another record: the leaf hash commits to the whole record.
  if (fresh.leafHash !== old.leafHash)
    throw new UsageError("the service returned a receipt for a different record; not saved");
  return fresh;
}

runMain(main, { failuresUnanswered: true });
