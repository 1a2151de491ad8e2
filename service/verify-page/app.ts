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
  type ChainReader,
  type StepResult,
  type Verification,
  type WitnessReport,
} from "../verify";
import { rpcChainReader } from "../chain-reader/rpc-chain-reader";
import { certificatesFromPemOrDer } from "../witnesses/rfc3161";
import { inBeijingTime } from "../certificate/beijing-time";

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

/** The verdict in one sentence a clerk reads: what was proven, since when. */
function headline(v: Verification): string {
  if (v.verdict === "valid" && v.proves)
    return `✓ 此存证自 ${inBeijingTime(v.proves.existedBy)} 起未被篡改。 This record has not been altered since then.`;
  if (v.verdict === "invalid") {
    const failed = v.steps.find((s) => s.status === "fail");
    return `✗ 无效：${STEP_NAMES[failed?.step ?? ""] ?? ""}未通过（${failed?.code}）。 INVALID: the ${failed?.step} check failed.`;
  }
  const why = v.steps.find((s) => s.status === "error" || s.code === "RECEIPT_PENDING");
  return `无法验证 COULD NOT CHECK — ${why?.code ?? ""} ${why?.message ?? ""}`;
}

/** What the verdict rests on, and what is left to do: the files, a chain that did not answer. */
function detail(v: Verification): { text: string; files?: string }[] {
  const lines: { text: string; files?: string }[] = [];
  if (v.verdict === "valid" && v.proves) {
    lines.push({
      text: `有效 VALID — 由 ${v.proves.existedBySource} 证明；记录序号 ${v.proves.seq}，此前无缺失。 Proven by ${v.proves.existedBySource}; record seq ${v.proves.seq}, no gap before it.`,
    });
    if (!v.proves.independent)
      lines.push({
        text: "注意：没有经验证的独立见证。 Note: no witness independent of the operator was verified.",
      });
    if (v.proves.developmentChain)
      lines.push({
        text: "注意：本地开发链，仅在信任运营方的范围内证明完整性。 Note: local development chain, integrity only as far as the operator is trusted.",
      });
  }
  const files = v.steps.find((s) => s.step === "files");
  if (files?.status === "pass")
    lines.push({ files: "pass", text: "✓ 文件与记录一致。 The files match the record." });
  else if (files?.code === "NO_FILES_GIVEN" && v.verdict !== "invalid")
    lines.push({
      files: "unchecked",
      text: "记录已证实，但文件尚未核对：请在下方拖入原始文件。 The record is proven, but its files have not been checked yet: drop the original files below.",
    });
  const chainSteps = ["batch", "transaction", "block"];
  const unreached = v.steps.some((s) => s.code === "CHAIN_UNREACHABLE")
    ? v.steps.filter((s) => chainSteps.includes(s.step) && s.status !== "pass")
    : [];
  if (unreached.length > 0) {
    const ran = v.steps.filter((s) => s.status === "pass").map((s) => STEP_NAMES[s.step] ?? s.step);
    lines.push({
      text: `链无法访问，未能运行：${unreached.map((s) => STEP_NAMES[s.step] ?? s.step).join("、")}。已通过：${ran.join("、") || "无"}。 The chain could not be reached; these checks did not run: ${unreached.map((s) => s.step).join(", ")}. Passed without it: ${
        v.steps
          .filter((s) => s.status === "pass")
          .map((s) => s.step)
          .join(", ") || "none"
      }.`,
    });
  }
  return lines;
}

function showVerdict(v: Verification): void {
  const verdict = $("verdict");
  verdict.dataset.verdict = v.verdict;
  verdict.textContent = headline(v);
  const box = $("verdict-detail");
  box.replaceChildren(
    ...detail(v).map((line) => {
      const p = document.createElement("p");
      p.textContent = line.text;
      if (line.files) p.dataset.files = line.files;
      return p;
    }),
  );
  // Invite the files wherever they are not checked yet and could be.
  $("drop").hidden = v.verdict === "invalid" || !box.querySelector("[data-files=unchecked]");
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

/** A chain that did not answer: every chain step says so, every other check still runs. */
function unreachableChain(message: string): ChainReader {
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error(message), { code: "CHAIN_UNREACHABLE" });
  };
  return {
    chainId: fail,
    code: fail,
    batchOf: fail,
    block: fail,
    latestBlockNumber: fail,
    transaction: fail,
  };
}

/** Each run supersedes the one before: only the latest writes its result. */
let runs = 0;

async function run(): Promise<void> {
  const mine = ++runs;
  const current = () => mine === runs;
  $("steps").replaceChildren();
  $("witnesses").replaceChildren();
  $("record-fields").replaceChildren();
  $("verdict-detail").replaceChildren();
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
  offerRpcs(receipt);
  const files = Array.from($<HTMLInputElement>("files").files ?? []);
  const digests: string[] = [];
  const notes: Parameters<typeof show>[0][] = [];
  for (const file of files) {
    if (file.size === 0)
      notes.push({
        step: "files",
        status: "skip",
        code: "EMPTY_FILE",
        message: `${file.name}: 文件为空 the file is empty (0 bytes)`,
      });
    digests.push(
      await hashFile(file, (f) => {
        if (current())
          verdict.textContent = `计算哈希 Hashing ${file.name}: ${Math.round(f * 100)}%`;
      }),
    );
  }
  const rpc = OFFLINE
    ? $<HTMLInputElement>("rpc").value
    : new URL($<HTMLInputElement>("rpc").value, location.href).toString();
  let connection: { reader: ChainReader; close: () => void };
  try {
    connection = await rpcChainReader(rpc);
  } catch (error) {
    connection = {
      reader: unreachableChain(`${rpc}: ${String((error as Error).message ?? error)}`),
      close: () => undefined,
    };
  }
  let result: Verification;
  try {
    result = await verifyReceipt({
      receipt,
      fileDigests: digests,
      chain: connection.reader,
      tsaTrustAnchors: await tsaTrustAnchors(),
    });
  } finally {
    connection.close();
  }
  if (!current()) return;
  notes.forEach(show);
  showRecord(result);
  result.steps.forEach(show);
  (result.witnesses ?? []).forEach(showWitness);
  showVerdict(result);
}

/** Public RPCs of the main networks a receipt may name (any other: this service, or your own). */
const PUBLIC_RPCS: Record<string, string[]> = {
  "1": ["https://ethereum-rpc.publicnode.com", "https://cloudflare-eth.com"],
  "10": ["https://mainnet.optimism.io"],
  "56": ["https://bsc-dataseed.bnbchain.org"],
  "100": ["https://rpc.gnosischain.com"],
  "137": ["https://polygon-rpc.com"],
  "8453": ["https://mainnet.base.org"],
  "42161": ["https://arb1.arbitrum.io/rpc"],
  "59144": ["https://rpc.linea.build"],
  "534352": ["https://rpc.scroll.io"],
};
const LOCAL_CHAIN = "http://127.0.0.1:8545";

/**
 * The RPCs anyone may check the receipt against: its chain's public ones, this service's
 * read-only proxy, and a chain run on one's own machine (`npm run chain` replays the embedded
 * chain from the service's journal), so no one must take the platform's proxy on trust.
 */
function offerRpcs(receipt: unknown): void {
  const chainId = (receipt as { anchor?: { chainId?: string } } | undefined)?.anchor?.chainId;
  const choices = [
    ...(chainId ? (PUBLIC_RPCS[chainId] ?? []) : []),
    OFFLINE?.rpcUrl ?? new URL("/v1/rpc", location.href).toString(),
    LOCAL_CHAIN,
  ];
  $("rpc-choices").replaceChildren(
    ...choices.map((url) => Object.assign(document.createElement("option"), { value: url })),
  );
  $("rpc-note").textContent =
    `可选：${choices.join("、")}（最后一个为本机 npm run chain）。 Any of these, or your own node; the last is a chain on your machine (npm run chain).`;
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
    "回执已按证书取得；可在上方拖入原始文件核对其哈希。 The receipt was fetched for this certificate; drop the original files above to check their hashes too.";
  await run();
}

$("rpc").setAttribute("value", OFFLINE?.rpcUrl ?? new URL("/v1/rpc", location.href).toString());
if (OFFLINE) {
  // Nothing to look up offline, and no service whose TSA roots to trust: the bundle's are files.
  $("lookup-section").hidden = true;
  $("service-tsa-label").hidden = true;
  $<HTMLInputElement>("service-tsa").checked = false;
}
const params = new URLSearchParams(location.search);
const record = params.get("record");
if (record) $("record").textContent = `记录 Record ${record}`;
$("verify").addEventListener("click", () => void run());
// A file chosen or dropped is checked at once against the receipt already there.
const receiptThere = () => looked !== undefined || !!$<HTMLInputElement>("receipt").files?.length;
for (const id of ["files", "receipt"])
  $(id).addEventListener("change", () => receiptThere() && void run());
const drop = $("drop");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const dropped = event.dataTransfer?.files;
  if (!dropped || dropped.length === 0) return;
  $<HTMLInputElement>("files").files = dropped;
  void run();
});
offerRpcs(undefined);
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
