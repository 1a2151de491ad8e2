/**
 * The portal's script (bundled by esbuild; plain TypeScript over the public API). Every call
 * carries the key from this tab's session storage; refusals are shown next to the field the
 * API names in `error.details.issues[].path`. Texts come from the one catalogue, in the
 * reader's language (`service/i18n`).
 */
import { copyButton, localisePage } from "../i18n/page-language";
import { translator } from "../i18n/translator";
interface ApiError {
  code: string;
  message: string;
  details?: { issues?: { path: string; message: string }[] };
}
interface Me {
  id: string;
  name: string;
  role: string;
  parties: string[];
}
interface CaseSummary {
  caseId: string;
  receivedAt: string;
  next: { step: string; due: string } | null;
  overdue: { step: string }[];
}

const KEY = "notary-api-key";
/** The undertaking as signed: in both languages, whatever the page shows, for the record. */
const bothLanguages = (key: string) => `${translator("zh")(key)} ${translator("en")(key)}`;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const text = (id: string) => $<HTMLInputElement>(id).value.trim();

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ""}` },
  });
  const body = (await response.json().catch(() => ({}))) as T & { error?: ApiError };
  if (!response.ok)
    throw body.error ?? { code: String(response.status), message: response.statusText };
  return body;
}

/** Uploads a record with files, reporting progress (fetch cannot report upload progress). */
function upload(
  record: object,
  files: File[],
  progress: (f: number) => void,
): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("record", JSON.stringify(record));
    for (const f of files) form.append("files", f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/records");
    xhr.setRequestHeader("authorization", `Bearer ${sessionStorage.getItem(KEY) ?? ""}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total);
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}") as { id: string; error?: ApiError };
      if (xhr.status === 201) resolve(body);
      else reject(body.error ?? { code: String(xhr.status), message: xhr.statusText });
    };
    xhr.onerror = () =>
      reject({ code: "NETWORK", message: "the upload did not reach the service" });
    xhr.send(form);
  });
}

const page = localisePage(() => void redraw());

/**
 * What a refusal means, in a sentence a person acts on, from the catalogue. The code stays on
 * the element (`data-code`) for support and tests; the API's own text only where a code has
 * no sentence (a service newer than this page).
 */
function sentence(
  error: ApiError,
  fallback: "portal.notAccepted" | "portal.couldNotSignIn",
): string {
  const key = `error.${error.code}`;
  return page.t(key, { defaultValue: "" }) || page.t(fallback, { message: error.message });
}

/** A validator's issue, said as a person would: "Too small: expected string…" never shows. */
function humanIssue(message: string): string {
  const kind = /too small|>=1 characters|required/i.test(message)
    ? "required"
    : /email/i.test(message)
      ? "email"
      : /url/i.test(message)
        ? "url"
        : /too big|too long/i.test(message)
          ? "tooLong"
          : /unified social credit|credit code/i.test(message)
            ? "creditCode"
            : /future|later than/i.test(message)
              ? "future"
              : "check";
  return page.t(`issue.${kind}`);
}

/**
 * A file uploaded as an evidence record of its own (collected by upload, through the portal),
 * with the bar showing its progress: the link a notice or declaration then carries.
 */
async function uploadEvidence(
  file: File,
  bar: HTMLProgressElement,
  o: { role: string; phase: string; description: string; collector: string },
): Promise<{ rel: string; id: string }> {
  bar.hidden = false;
  const evidence = await upload(
    {
      kind: "evidence",
      metadata: {
        role: o.role,
        phase: o.phase,
        description: o.description,
        collection: {
          collector: { name: o.collector || "—" },
          method: "upload",
          environment: { tool: "portal", toolVersion: "1" },
          capturedAt: new Date().toISOString(),
        },
      },
    },
    [file],
    (f) => (bar.value = f),
  );
  return { rel: "evidence", id: evidence.id };
}

/** Shows an API refusal: each issue under its field, the rest in the form's own line. */
function showError(form: HTMLElement, general: HTMLElement, error: ApiError): void {
  form.querySelectorAll<HTMLElement>("[data-error]").forEach((e) => (e.textContent = ""));
  let placed = false;
  for (const issue of error.details?.issues ?? []) {
    const slot = Array.from(form.querySelectorAll<HTMLElement>("[data-error]"))
      .filter((e) => issue.path.startsWith(e.dataset.error!))
      .sort((a, b) => b.dataset.error!.length - a.dataset.error!.length)[0];
    if (slot) {
      slot.dataset.issue = issue.message;
      slot.textContent = humanIssue(issue.message);
      placed = true;
    }
  }
  general.dataset.code = error.code;
  general.textContent = placed
    ? page.t("error.RECORD_INVALID")
    : sentence(error, "portal.notAccepted");
}

/** A field corrected clears the complaint about it, and the form's own line with it. */
function clearStaleErrors(form: HTMLElement, general: HTMLElement): void {
  form.addEventListener("input", (event) => {
    const path = (event.target as HTMLElement).dataset.path;
    general.textContent = "";
    if (!path) return;
    form
      .querySelectorAll<HTMLElement>("[data-error]")
      .forEach((slot) => path.startsWith(slot.dataset.error!) && (slot.textContent = ""));
  });
}

/** A time as people here read it: Beijing time, "12月8日 19:39" ("8 Dec 19:39"); the instant on hover. */
function inBeijing(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3_600_000);
  const hhmm = t.toISOString().slice(11, 16);
  if (page.language === "zh") return `${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hhmm}`;
  const month = t.toLocaleString("en", { month: "short", timeZone: "UTC" });
  return `${t.getUTCDate()} ${month} ${hhmm}`;
}

/** A step of a case in words; a delay names its cause after the words. */
function stepName(step: string): string {
  const delay = /^excluded delay \((.*)\)$/.exec(step);
  if (delay) return `${page.t("step.excluded delay")} (${delay[1]})`;
  return page.t(`step.${step}`, { defaultValue: step });
}

/** An id shown whole, selectable at once, with a button that copies it. */
function idCell(id: string): HTMLElement {
  const span = document.createElement("span");
  span.append(
    Object.assign(document.createElement("code"), { className: "id", textContent: id }),
    copyButton(id, page),
  );
  return span;
}

async function download(path: string, name: string): Promise<void> {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ""}` },
  });
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface CaseView {
  caseId: string;
  steps: { step: string; state: string; due?: string; at?: string }[];
  notice: { status: string; batchIndex: number | null };
}
/** What the page drew, kept so a language switch redraws it without asking the service again. */
const shown: { cases?: CaseSummary[]; timeline?: CaseView; capture?: CaptureView } = {};

async function showTimeline(caseId: string): Promise<void> {
  const view = await api<{ steps: CaseView["steps"] }>(`/v1/cases/${caseId}`);
  const notice = await api<CaseView["notice"]>(`/v1/records/${caseId}`);
  shown.timeline = { caseId, steps: view.steps, notice };
  drawTimeline(shown.timeline);
}

function drawTimeline({ caseId, steps, notice }: CaseView): void {
  $("timeline-section").hidden = false;
  $("timeline-case").replaceChildren(idCell(caseId));
  const status = $("case-status");
  status.dataset.status = notice.status;
  status.textContent =
    notice.status === "anchored"
      ? page.t("portal.anchored", { batch: notice.batchIndex })
      : page.t("portal.waiting");
  $("timeline").replaceChildren(
    ...steps.map((s) => {
      const li = document.createElement("li");
      li.dataset.state = s.state;
      li.dataset.step = s.step;
      const when = s.at ? ` ${inBeijing(s.at)}` : "";
      const due = s.due ? ` · ${page.t("portal.due", { due: inBeijing(s.due) })}` : "";
      const state = page.t(`state.${s.state}`, { defaultValue: s.state });
      li.textContent = `${page.t("portal.stepLine", { step: stepName(s.step), state })}${when}${due}`;
      li.title = [s.at, s.due].filter(Boolean).join(" / ");
      return li;
    }),
  );
  $("bundle").onclick = () => void download(`/v1/cases/${caseId}/bundle`, `case-${caseId}.zip`);
  $("certificate").onclick = () =>
    void download(`/v1/records/${caseId}/certificate?format=pdf`, `certificate-${caseId}.pdf`);
}

async function loadCases(): Promise<void> {
  const { cases } = await api<{ cases: CaseSummary[] }>("/v1/cases?status=all&limit=200");
  shown.cases = cases;
  drawCases(cases);
  const chosen = text("a-notice");
  $("a-notice").replaceChildren(
    ...cases.map((c) =>
      Object.assign(document.createElement("option"), { value: c.caseId, textContent: c.caseId }),
    ),
  );
  if (chosen && cases.some((c) => c.caseId === chosen))
    $<HTMLSelectElement>("a-notice").value = chosen;
}

function drawCases(cases: CaseSummary[]): void {
  $("cases-empty").hidden = cases.length > 0;
  const labels = ["portal.colNotice", "portal.colReceived", "portal.colNext", "portal.colOverdue"];
  $("cases").replaceChildren(
    ...cases.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.case = c.caseId;
      const cells = [
        idCell(c.caseId),
        inBeijing(c.receivedAt),
        c.next
          ? `${stepName(c.next.step)} · ${page.t("portal.due", { due: inBeijing(c.next.due) })}`
          : "—",
        c.overdue.map((o) => stepName(o.step)).join("; ") || "—",
      ];
      cells.forEach((value, i) => {
        const td = tr.appendChild(document.createElement("td"));
        // On a phone each row stacks, each value under its label.
        td.dataset.label = page.t(labels[i]!);
        if (typeof value === "string") td.textContent = value;
        else td.appendChild(value);
      });
      const open = Object.assign(document.createElement("button"), {
        className: "link view",
        type: "button",
        textContent: page.t("portal.view"),
      });
      open.onclick = () => void showTimeline(c.caseId);
      tr.appendChild(document.createElement("td")).appendChild(open);
      return tr;
    }),
  );
}

/** A language switched: what the script drew follows the static texts. */
async function redraw(): Promise<void> {
  if (shown.cases) drawCases(shown.cases);
  if (shown.timeline) drawTimeline(shown.timeline);
  if (shown.capture) drawCapture(shown.capture);
  drawCited();
  if (me)
    $("who").textContent = `${me.name} (${page.t(`role.${me.role}`, { defaultValue: me.role })})`;
  if (text("a-notice")) await prefillAnswer().catch(() => undefined);
}

/** A patent's evaluation report (专利权评价报告), a file of the notice itself. */
const evaluationReport = (): File | undefined =>
  text("n-right") === "patent" ? $<HTMLInputElement>("n-report").files?.[0] : undefined;

/** The right-type elements (GB/T 39550 4.3.1.3-5) the form asks for, as the record holds them. */
function rightDetails(type: string, report: File | undefined): Record<string, unknown> {
  if (type === "trademark")
    return {
      ...(text("n-class") && { niceClass: Number(text("n-class")) }),
      ...(text("n-goods") && { goodsOrServices: text("n-goods") }),
    };
  if (type === "patent")
    return {
      patentType: text("n-ptype"),
      ...(text("n-claims") && { claimsReliedOn: [text("n-claims")] }),
      ...(text("n-claim-feature") &&
        text("n-product-feature") && {
          featureComparison: [
            { claimFeature: text("n-claim-feature"), productFeature: text("n-product-feature") },
          ],
        }),
      ...(report && { evaluationReportFile: report.name }),
    };
  return {
    ...(text("n-work") && { workTitle: text("n-work") }),
    ...(text("n-worktype") && { workType: text("n-worktype") }),
  };
}

async function submitNotice(event: Event): Promise<void> {
  event.preventDefault();
  const form = $("notice-form");
  const error = $("notice-error");
  $("notice-ok").textContent = "";
  error.textContent = "";
  try {
    const links = cited.map((id) => ({ rel: "evidence", id }));
    const file = $<HTMLInputElement>("n-file").files?.[0];
    const proofs = Array.from($<HTMLInputElement>("n-proof").files ?? []);
    const report = evaluationReport();
    const today = new Date().toISOString().slice(0, 10);
    if (file)
      links.push(
        await uploadEvidence(file, $("n-progress") as HTMLProgressElement, {
          role: "infringement_capture",
          phase: "before",
          description: `${file.name} (portal upload)`,
          collector: text("n-name"),
        }),
      );
    const id = text("n-id");
    const record = {
      kind: "notice",
      metadata: {
        channel: text("n-channel"),
        notifier: {
          type: "organisation",
          legalName: text("n-name"),
          ...(id && { idDocument: { type: "unified_social_credit_code", number: id } }),
          ...(text("n-email") && { email: text("n-email") }),
        },
        right: {
          type: text("n-right"),
          holder: text("n-name"),
          ...(text("n-reg") && { registrationNumber: text("n-reg") }),
          ...rightDetails(text("n-right"), report),
          ...(proofs.length > 0 && { proofFiles: proofs.map((f) => f.name) }),
        },
        ...(text("n-url") && {
          targets: [
            {
              platform: new URL(text("n-url")).host,
              url: text("n-url"),
              ...(text("n-shop") && { shopId: text("n-shop") }),
            },
          ],
        }),
        ...(text("n-explanation") && { explanation: text("n-explanation") }),
        ...($<HTMLInputElement>("n-true").checked && {
          undertaking: {
            signedBy: text("n-name"),
            signedAt: today,
            statement: bothLanguages("portal.noticeTrue"),
          },
        }),
      },
      links,
    };
    // The proofs of right (and a patent's report) are the notice's own files; the evidence,
    // records of their own.
    const own = report ? [...proofs, report] : proofs;
    const bar = $("n-progress") as HTMLProgressElement;
    bar.hidden = own.length === 0 && !file;
    const answer =
      own.length > 0
        ? await upload(record, own, (f) => (bar.value = f))
        : await api<{ id: string }>("/v1/records", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(record),
          });
    ($("notice-form") as HTMLFormElement).reset();
    cited.length = 0;
    drawCited();
    $("n-progress").hidden = true;
    showRightFields();
    $("notice-ok").textContent = page.t("portal.submitted", { id: answer.id });
    $("notice-ok").dataset.record = answer.id;
    await loadCases();
    await showTimeline(answer.id);
  } catch (e) {
    if (e instanceof TypeError) showError(form, error, { code: "URL_INVALID", message: e.message });
    else showError(form, error, e as ApiError);
  }
}

async function submitAnswer(event: Event): Promise<void> {
  event.preventDefault();
  const form = $("answer-form");
  const error = $("answer-error");
  $("answer-ok").textContent = "";
  error.textContent = "";
  try {
    const url = text("a-url");
    // The preliminary evidence of non-infringement art. 43 asks for: without it the
    // declaration starts no 15-day wait, so the merchant attaches it here.
    const links = [{ rel: "answers", id: text("a-notice") }];
    const file = $<HTMLInputElement>("a-file").files?.[0];
    if (file)
      links.push(
        await uploadEvidence(file, $("a-progress") as HTMLProgressElement, {
          role: "declaration_proof",
          phase: "after",
          description: `${file.name} (portal upload, answering ${text("a-notice")})`,
          collector: text("a-name"),
        }),
      );
    const answer = await api<{ id: string }>("/v1/records", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        kind: "counter_notice",
        metadata: {
          channel: "system",
          merchant: {
            type: "organisation",
            legalName: text("a-name"),
            idDocument: { type: "unified_social_credit_code", number: text("a-id") },
          },
          items: url ? [{ platform: new URL(url).host, url }] : [],
          argument: text("a-argument"),
          undertaking: {
            signedBy: text("a-name"),
            signedAt: new Date().toISOString().slice(0, 10),
            statement: bothLanguages("portal.declarationTrue"),
          },
        },
        links,
      }),
    });
    const notice = text("a-notice");
    ($("answer-form") as HTMLFormElement).reset();
    $("a-progress").hidden = true;
    $("answer-ok").textContent = page.t("portal.submitted", { id: answer.id });
    $("answer-ok").dataset.record = answer.id;
    await loadCases();
    await showTimeline(notice);
  } catch (e) {
    if (e instanceof TypeError) showError(form, error, { code: "URL_INVALID", message: e.message });
    else showError(form, error, e as ApiError);
  }
}

/** What the notice already says of the listing: the merchant answers for it, not retypes it. */
async function prefillAnswer(): Promise<void> {
  const id = text("a-notice");
  if (!id) return;
  const { record } = await api<{
    record: { metadata: { targets?: { url: string; shopId?: string }[] } };
  }>(`/v1/records/${id}`);
  const target = record.metadata.targets?.[0];
  if (target && !text("a-url")) $<HTMLInputElement>("a-url").value = target.url;
  $("a-listing").textContent = target
    ? page.t("portal.noticeNames", { url: target.url }) +
      (target.shopId ? page.t("portal.noticeShop", { shop: target.shopId }) : "")
    : "";
}

interface CaptureView {
  id: string;
  url: string;
  state: "queued" | "capturing" | "notarised" | "failed";
  recordId?: string;
  error?: { code: string; message: string };
}

/** The capture's state in words; once notarised, its record id to copy and its certificate. */
function drawCapture(view: CaptureView): void {
  const line = $("capture-state");
  line.dataset.state = view.state;
  line.className = view.state === "failed" ? "error" : view.state === "notarised" ? "ok" : "muted";
  if (view.state === "failed") {
    line.dataset.code = view.error?.code ?? "";
    line.textContent = page.t("portal.captureState.failed", {
      reason: page.t(`captureFailure.${view.error?.code}`, {
        defaultValue: view.error?.message ?? "",
      }),
    });
    return;
  }
  line.textContent = page.t(`portal.captureState.${view.state}`, { id: view.recordId ?? "" });
  if (view.state === "notarised" && view.recordId) {
    const id = view.recordId;
    const certificate = Object.assign(document.createElement("button"), {
      className: "link",
      type: "button",
      textContent: page.t("portal.downloadCaptureCertificate"),
    });
    certificate.onclick = () =>
      void download(`/v1/records/${id}/certificate?format=pdf`, `certificate-${id}.pdf`);
    const cite = Object.assign(document.createElement("button"), {
      className: "link",
      type: "button",
      id: "cite-capture",
      textContent: page.t("portal.citeInNotice"),
    });
    cite.onclick = () => citeCapture(id, view.url);
    line.append(" ", copyButton(id, page), " ", certificate, " ", cite);
  }
}

/**
 * Captures the notice in the making cites as its preliminary evidence (E-Commerce Law art. 42):
 * the page the service itself preserved, by its evidence record.
 */
const cited: string[] = [];

function citeCapture(recordId: string, url: string): void {
  if (!cited.includes(recordId)) cited.push(recordId);
  const listing = $<HTMLInputElement>("n-url");
  if (!listing.value) listing.value = url;
  drawCited();
  $("notice-section").scrollIntoView();
}

function drawCited(): void {
  const list = $("n-cited");
  list.hidden = cited.length === 0;
  list.replaceChildren(
    ...cited.map((id) => {
      const item = document.createElement("li");
      item.dataset.record = id;
      const remove = Object.assign(document.createElement("button"), {
        className: "link",
        type: "button",
        textContent: page.t("portal.uncite"),
      });
      remove.onclick = () => {
        cited.splice(cited.indexOf(id), 1);
        drawCited();
      };
      item.append(page.t("portal.citedCapture", { id }), " ", remove);
      return item;
    }),
  );
}

/** Asks for a capture and follows it, a second at a time, until it is notarised or fails. */
async function submitCapture(event: Event): Promise<void> {
  event.preventDefault();
  const form = $("capture-form");
  const error = $("capture-error");
  error.textContent = "";
  $("capture-state").textContent = "";
  try {
    let view = await api<CaptureView>("/v1/captures", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: text("c-url"),
        ...(text("c-case") && { caseRef: text("c-case") }),
        scroll: $<HTMLInputElement>("c-scroll").checked,
        personal: $<HTMLInputElement>("c-personal").checked,
      }),
    });
    shown.capture = view;
    drawCapture(view);
    while (view.state === "queued" || view.state === "capturing") {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      view = await api<CaptureView>(`/v1/captures/${view.id}`);
      shown.capture = view;
      drawCapture(view);
    }
    if (view.state === "notarised") ($("capture-form") as HTMLFormElement).reset();
  } catch (e) {
    showError(form, error, e as ApiError);
  }
}

function showRightFields(): void {
  document
    .querySelectorAll<HTMLElement>("[data-right]")
    .forEach((e) => (e.hidden = e.dataset.right !== text("n-right")));
}

let me: Me | undefined;

async function start(): Promise<void> {
  try {
    me = await api<Me>("/v1/me");
    $("signin").hidden = true;
    $("app").hidden = false;
    $("who").textContent = `${me.name} (${page.t(`role.${me.role}`, { defaultValue: me.role })})`;
    $("notice-section").hidden = me.role !== "rights_holder";
    $("capture-section").hidden = me.role !== "rights_holder";
    $("answer-section").hidden = me.role !== "merchant";
    await loadCases();
    if (me.role === "merchant") await prefillAnswer().catch(() => undefined);
  } catch (e) {
    sessionStorage.removeItem(KEY);
    const error = e as ApiError;
    const line = $("signin-error");
    line.dataset.code = error.code;
    line.textContent = sentence(error, "portal.couldNotSignIn");
  }
}

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, text("key"));
  $<HTMLInputElement>("key").value = "";
  void start();
});
$("signout").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  location.reload();
});
$("notice-form").addEventListener("submit", (e) => void submitNotice(e));
$("capture-form").addEventListener("submit", (e) => void submitCapture(e));
clearStaleErrors($("capture-form"), $("capture-error"));
// Only the chosen right type's own fields are shown.
$("n-right").addEventListener("change", showRightFields);
$("answer-form").addEventListener("submit", (e) => void submitAnswer(e));
$("a-notice").addEventListener("change", () => {
  $<HTMLInputElement>("a-url").value = "";
  void prefillAnswer().catch(() => undefined);
});
clearStaleErrors($("notice-form"), $("notice-error"));
clearStaleErrors($("answer-form"), $("answer-error"));
if (sessionStorage.getItem(KEY)) void start();
