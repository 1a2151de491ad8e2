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
import { localisePage } from "../i18n/page-language";

const CHUNK = 4 << 20;
const page = localisePage(() => redraw());
const stepName = (step: string) => page.t(`verify.step.${step}`, { defaultValue: step });

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
  li.textContent = `${mark} ${stepName(step.step)}: ${step.status === "pass" ? "" : `${step.code} — `}${step.message}`;
  $("steps").appendChild(li);
}

/** Each witness with its time and who controls it: the evidentiary time rests on the independent ones. */
function showWitness(w: WitnessReport): void {
  const li = document.createElement("li");
  li.dataset.witness = w.type;
  li.dataset.status = w.status === "verified" ? "pass" : w.status === "failed" ? "fail" : "skip";
  li.dataset.controlled = String(w.controlledByOperator);
  const mark = w.status === "verified" ? "✓" : w.status === "failed" ? "✗" : "?";
  const who = page.t(w.controlledByOperator ? "verify.controlled" : "verify.independent");
  li.textContent = `${mark} ${w.name}${w.time ? ` — ${w.time}` : ""} (${who})${w.status === "verified" ? "" : ` ${w.code}: ${w.message}`}`;
  $("witnesses").appendChild(li);
}

/** The verdict in one sentence a clerk reads: what was proven, since when. */
function headline(v: Verification): string {
  if (v.verdict === "valid" && v.proves)
    return page.t("verify.valid", { time: inBeijingTime(v.proves.existedBy, page.language) });
  if (v.verdict === "invalid") {
    const failed = v.steps.find((s) => s.status === "fail");
    return page.t("verify.invalid", { step: stepName(failed?.step ?? ""), code: failed?.code });
  }
  const why = v.steps.find((s) => s.status === "error" || s.code === "RECEIPT_PENDING");
  return page.t("verify.couldNotCheck", { code: why?.code ?? "", message: why?.message ?? "" });
}

/** What the verdict rests on, and what is left to do: the files, a chain that did not answer. */
function detail(v: Verification): { text: string; files?: string }[] {
  const lines: { text: string; files?: string }[] = [];
  if (v.verdict === "valid" && v.proves) {
    lines.push({
      text: page.t("verify.provenBy", { source: v.proves.existedBySource, seq: v.proves.seq }),
    });
    if (!v.proves.independent) lines.push({ text: page.t("verify.noIndependent") });
    if (v.proves.developmentChain) lines.push({ text: page.t("verify.developmentChain") });
  }
  const files = v.steps.find((s) => s.step === "files");
  if (files?.status === "pass") lines.push({ files: "pass", text: page.t("verify.filesMatch") });
  else if (files?.code === "NO_FILES_GIVEN" && v.verdict !== "invalid")
    lines.push({ files: "unchecked", text: page.t("verify.filesUnchecked") });
  const chainSteps = ["batch", "transaction", "block"];
  const unreached = v.steps.some((s) => s.code === "CHAIN_UNREACHABLE")
    ? v.steps.filter((s) => chainSteps.includes(s.step) && s.status !== "pass")
    : [];
  if (unreached.length > 0) {
    const list = (steps: StepResult[]) =>
      steps.map((s) => stepName(s.step)).join(page.language === "zh" ? "、" : ", ") ||
      page.t("common.none");
    lines.push({
      text: page.t("verify.chainUnreached", {
        missed: list(unreached),
        passed: list(v.steps.filter((s) => s.status === "pass")),
      }),
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

/** The last result drawn, kept so a language switch redraws it. */
let last: { result: Verification; notes: EmptyFile[] } | undefined;
interface EmptyFile {
  name: string;
}

function draw(result: Verification, notes: EmptyFile[]): void {
  $("steps").replaceChildren();
  $("witnesses").replaceChildren();
  for (const note of notes)
    show({
      step: "files",
      status: "skip",
      code: "EMPTY_FILE",
      message: page.t("verify.emptyFile", { name: note.name }),
    });
  showRecord(result);
  result.steps.forEach(show);
  (result.witnesses ?? []).forEach(showWitness);
  showVerdict(result);
}

function redraw(): void {
  if (last) draw(last.result, last.notes);
  offerRpcs(offered);
  const record = new URLSearchParams(location.search).get("record");
  if (record) $("record").textContent = page.t("verify.recordLabel", { id: record });
  if (looked !== undefined) $("receipt-note").textContent = page.t("verify.lookedUp");
}

async function run(): Promise<void> {
  const mine = ++runs;
  const current = () => mine === runs;
  $("steps").replaceChildren();
  $("witnesses").replaceChildren();
  $("record-fields").replaceChildren();
  $("verdict-detail").replaceChildren();
  const verdict = $("verdict");
  verdict.dataset.verdict = "running";
  verdict.textContent = page.t("verify.verifying");
  const receiptFile = $<HTMLInputElement>("receipt").files?.[0];
  if (!receiptFile && looked === undefined) {
    verdict.dataset.verdict = "error";
    verdict.textContent = page.t("verify.chooseReceipt");
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
  const notes: EmptyFile[] = [];
  for (const file of files) {
    if (file.size === 0) notes.push({ name: file.name });
    digests.push(
      await hashFile(file, (f) => {
        if (current())
          verdict.textContent = page.t("verify.hashing", {
            name: file.name,
            percent: Math.round(f * 100),
          });
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
  last = { result, notes };
  draw(result, notes);
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
let offered: unknown;

function offerRpcs(receipt: unknown): void {
  offered = receipt;
  const chainId = (receipt as { anchor?: { chainId?: string } } | undefined)?.anchor?.chainId;
  const choices = [
    ...(chainId ? (PUBLIC_RPCS[chainId] ?? []) : []),
    OFFLINE?.rpcUrl ?? new URL("/v1/rpc", location.href).toString(),
    LOCAL_CHAIN,
  ];
  $("rpc-choices").replaceChildren(
    ...choices.map((url) => Object.assign(document.createElement("option"), { value: url })),
  );
  $("rpc-note").textContent = page.t("verify.rpcNote", { choices: choices.join(", ") });
}

/**
 * A printed certificate's number and code (from its QR code, or typed): the receipt is fetched
 * from the service and verified here at once, against the chain, not taken on the service's word.
 */
async function lookUp(number: string, code: string): Promise<void> {
  const verdict = $("verdict");
  $("record").textContent = page.t("verify.certificateLabel", { number });
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
    verdict.dataset.code = body.error?.code ?? String(response.status);
    const reason = body.error
      ? page.t(`error.${body.error.code}`, { defaultValue: body.error.message })
      : String(response.status);
    verdict.textContent = page.t("verify.lookupFailed", { reason });
    return;
  }
  looked = body.receipt;
  $("receipt-note").textContent = page.t("verify.lookedUp");
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
if (record) $("record").textContent = page.t("verify.recordLabel", { id: record });
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
