/**
 * The public verification page's script (bundled for browsers by esbuild: at build time, or on
 * first request when the service runs from its sources).
 * Files are hashed here, in 4 MiB slices, so a 2 GiB file is never read into memory whole;
 * the chain is read through the service's read-only proxy or any RPC URL the user types.
 */
// First: it configures Zod before any schema parses.
import "./jitless";
import { sha256 } from "@noble/hashes/sha2";
import {
  recordLines,
  verifyReceipt,
  type StepResult,
  type Verification,
  type WitnessReport,
} from "../verify";
import { rpcChainReader } from "../chain-reader/rpc-chain-reader";
import { certificatesFromPemOrDer } from "../witnesses/rfc3161";

const CHUNK = 4 << 20;
const STEP_NAMES: Record<string, string> = {
  format: "格式 Format",
  files: "文件 Files",
  leaf: "记录哈希 Record hash",
  disclosures: "个人信息披露 Personal data disclosed",
  inclusion: "默克尔证明 Merkle proof",
  batch: "链上批次 Batch on chain",
  transaction: "锚定交易 Anchor transaction",
  block: "区块 Block",
  signature: "运营方签名 Operator signature",
  witnesses: "见证 Witnesses",
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Set by the court bundle's offline copy of this page (opened from file://): there is no
 * service to ask, so the chain's RPC URL is given and the service's TSA roots are not fetched.
 */
const OFFLINE = (globalThis as { NOTARY_OFFLINE?: { rpcUrl: string } }).NOTARY_OFFLINE;

async function hashFile(file: File, progress: (fraction: number) => void): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    hash.update(new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer()));
    progress(Math.min(1, (offset + CHUNK) / file.size));
  }
  return Array.from(hash.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
}

function show(step: Pick<StepResult, "step" | "status" | "code" | "message">): void {
  const li = document.createElement("li");
  li.dataset.step = step.step;
  li.dataset.status = step.status;
  const mark = step.status === "pass" ? "✓" : step.status === "skip" ? "–" : "✗";
  li.textContent = `${mark} ${STEP_NAMES[step.step] ?? step.step}: ${step.status === "pass" ? "" : `${step.code} — `}${step.message}`;
  $("steps").appendChild(li);
}

/** Each witness with its time and who controls it: the evidentiary time rests on the independent ones. */
function showWitness(w: WitnessReport): void {
  const li = document.createElement("li");
  li.dataset.witness = w.type;
  li.dataset.status = w.status === "verified" ? "pass" : w.status === "failed" ? "fail" : "skip";
  li.dataset.controlled = String(w.controlledByOperator);
  const mark = w.status === "verified" ? "✓" : w.status === "failed" ? "✗" : "?";
  const who = w.controlledByOperator
    ? "运营方控制 controlled by the operator"
    : "独立于运营方 independent of the operator";
  li.textContent = `${mark} ${w.name}${w.time ? ` — ${w.time}` : ""} (${who})${w.status === "verified" ? "" : ` ${w.code}: ${w.message}`}`;
  $("witnesses").appendChild(li);
}

function verdictText(v: Verification): string {
  if (v.verdict === "valid" && v.proves) {
    const dev = v.proves.developmentChain
      ? " 注意：本地开发链，仅在信任运营方的范围内证明完整性。 Note: local development chain, integrity only as far as the operator is trusted."
      : "";
    const independence = v.proves.independent
      ? ""
      : " 注意：没有经验证的独立见证。 Note: no witness independent of the operator was verified.";
    return `有效 VALID — 完整性已验证；不晚于 ${v.proves.existedBy}（${v.proves.existedBySource}）已存在；序号 ${v.proves.seq}，此前无缺失。 Integrity proven; existed no later than ${v.proves.existedBy} per ${v.proves.existedBySource}; position seq ${v.proves.seq} with no gap before it.${independence}${dev}`;
  }
  if (v.verdict === "invalid") {
    const failed = v.steps.find((s) => s.status === "fail");
    return `无效 INVALID — ${STEP_NAMES[failed?.step ?? ""] ?? ""} (${failed?.code})`;
  }
  const why = v.steps.find((s) => s.status === "error" || s.code === "RECEIPT_PENDING");
  return `无法验证 COULD NOT CHECK — ${why?.code ?? ""} ${why?.message ?? ""}`;
}

/** The record as verified, a line per value; values come from the receipt: text, never markup. */
function showRecord(v: Verification): void {
  const table = $("record-fields");
  table.replaceChildren();
  if (!v.disclosed) return;
  for (const line of recordLines(v.disclosed)) {
    const row = document.createElement("tr");
    if (line.hidden) row.dataset.hidden = "true";
    const field = document.createElement("th");
    field.textContent = line.field;
    const value = document.createElement("td");
    value.textContent = line.value;
    row.append(field, value);
    table.appendChild(row);
  }
}

/** The TSA roots to trust: the files the visitor gives, and this service's if left ticked. */
async function tsaTrustAnchors(): Promise<Uint8Array[]> {
  const anchors: Uint8Array[] = [];
  for (const file of Array.from($<HTMLInputElement>("tsa-ca").files ?? []))
    anchors.push(...certificatesFromPemOrDer(new Uint8Array(await file.arrayBuffer())));
  if (!OFFLINE && $<HTMLInputElement>("service-tsa").checked) {
    const response = await fetch(new URL("/v1/tsa-roots", location.href));
    if (response.ok)
      anchors.push(...certificatesFromPemOrDer(new Uint8Array(await response.arrayBuffer())));
  }
  return anchors.filter((a) => a.length > 0);
}

/** The receipt a certificate lookup fetched, verified without any file being chosen. */
let looked: unknown;

async function run(): Promise<void> {
  $("steps").replaceChildren();
  $("witnesses").replaceChildren();
  $("record-fields").replaceChildren();
  const verdict = $("verdict");
  verdict.dataset.verdict = "running";
  verdict.textContent = "验证中… Verifying…";
  const receiptFile = $<HTMLInputElement>("receipt").files?.[0];
  if (!receiptFile && looked === undefined) {
    verdict.dataset.verdict = "error";
    verdict.textContent = "请选择回执文件 Choose a receipt file (JSON).";
    return;
  }
  let receipt: unknown = looked;
  if (receiptFile)
    try {
      receipt = JSON.parse(await receiptFile.text());
    } catch {
      receipt = { malformed: "the receipt file is not valid JSON (truncated?)" };
    }
  const files = Array.from($<HTMLInputElement>("files").files ?? []);
  const digests: string[] = [];
  for (const file of files) {
    if (file.size === 0)
      show({
        step: "files",
        status: "skip",
        code: "EMPTY_FILE",
        message: `${file.name}: 文件为空 the file is empty (0 bytes)`,
      });
    digests.push(
      await hashFile(
        file,
        (f) => (verdict.textContent = `计算哈希 Hashing ${file.name}: ${Math.round(f * 100)}%`),
      ),
    );
  }
  let result: Verification;
  try {
    const { reader, close } = await rpcChainReader(
      OFFLINE
        ? $<HTMLInputElement>("rpc").value
        : new URL($<HTMLInputElement>("rpc").value, location.href).toString(),
    );
    try {
      result = await verifyReceipt({
        receipt,
        fileDigests: digests,
        chain: reader,
        tsaTrustAnchors: await tsaTrustAnchors(),
      });
    } finally {
      close();
    }
  } catch (error) {
    result = {
      verdict: "unverifiable",
      steps: [
        {
          step: "batch",
          status: "error",
          code: "CHAIN_UNREACHABLE",
          message: String((error as Error).message ?? error),
        },
      ],
    };
  }
  showRecord(result);
  result.steps.forEach(show);
  (result.witnesses ?? []).forEach(showWitness);
  verdict.dataset.verdict = result.verdict;
  verdict.textContent = verdictText(result);
}

/**
 * A printed certificate's number and code (from its QR code, or typed): the receipt is fetched
 * from the service and verified here at once, against the chain, not taken on the service's word.
 */
async function lookUp(number: string, code: string): Promise<void> {
  const verdict = $("verdict");
  $("record").textContent = `证书 Certificate ${number}`;
  const response = await fetch(
    new URL(
      `/v1/certificates/${encodeURIComponent(number)}?code=${encodeURIComponent(code)}`,
      location.href,
    ),
  );
  const body = (await response.json().catch(() => ({}))) as {
    receipt?: unknown;
    error?: { code: string; message: string };
  };
  if (!response.ok || body.receipt === undefined) {
    verdict.dataset.verdict = "error";
    verdict.textContent = `查验失败 Lookup failed — ${body.error?.code ?? response.status}: ${body.error?.message ?? ""}`;
    return;
  }
  looked = body.receipt;
  $("receipt-note").textContent =
    "回执已按证书取得；可再选择原始文件核对其哈希。 The receipt was fetched for this certificate; drop the original files to check their hashes too.";
  await run();
}

$("rpc").setAttribute("value", OFFLINE?.rpcUrl ?? new URL("/v1/rpc", location.href).toString());
if (OFFLINE) {
  // Nothing to look up offline, and no service whose TSA roots to trust: the bundle's are files.
  $("lookup-section").hidden = true;
  $("service-tsa-label").hidden = true;
}
const params = new URLSearchParams(location.search);
const record = params.get("record");
if (record) $("record").textContent = `记录 Record ${record}`;
$("verify").addEventListener("click", () => void run());
$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const number = $<HTMLInputElement>("certificate-number").value.trim();
  const code = $<HTMLInputElement>("certificate-code").value.trim();
  history.replaceState(
    null,
    "",
    `?certificate=${encodeURIComponent(number)}&code=${encodeURIComponent(code)}`,
  );
  void lookUp(number, code);
});
const certificate = params.get("certificate");
const code = params.get("code");
if (certificate && code) {
  $<HTMLInputElement>("certificate-number").value = certificate;
  $<HTMLInputElement>("certificate-code").value = code;
  void lookUp(certificate, code);
}
