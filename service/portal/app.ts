/**
 * The portal's script (bundled by esbuild; plain TypeScript over the public API). Every call
 * carries the key from this tab's session storage; refusals are shown next to the field the
 * API names in `error.details.issues[].path`.
 */
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

/** Shows an API refusal: each issue under its field, the rest in the form's own line. */
function showError(form: HTMLElement, general: HTMLElement, error: ApiError): void {
  form.querySelectorAll<HTMLElement>("[data-error]").forEach((e) => (e.textContent = ""));
  let placed = false;
  for (const issue of error.details?.issues ?? []) {
    const slot = Array.from(form.querySelectorAll<HTMLElement>("[data-error]"))
      .filter((e) => issue.path.startsWith(e.dataset.error!))
      .sort((a, b) => b.dataset.error!.length - a.dataset.error!.length)[0];
    if (slot) {
      slot.textContent = issue.message;
      placed = true;
    }
  }
  general.textContent = placed ? `${error.code}` : `${error.code}: ${error.message}`;
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

async function showTimeline(caseId: string): Promise<void> {
  const view = await api<{ steps: { step: string; state: string; due?: string; at?: string }[] }>(
    `/v1/cases/${caseId}`,
  );
  const notice = await api<{ status: string; batchIndex: number | null }>(`/v1/records/${caseId}`);
  $("timeline-section").hidden = false;
  $("timeline-case").textContent = caseId;
  const status = $("case-status");
  status.dataset.status = notice.status;
  status.textContent =
    notice.status === "anchored"
      ? `通知已上链存证 The notice is anchored (batch ${notice.batchIndex})`
      : "通知已接收，等待上链 The notice is received, waiting to be anchored";
  $("timeline").replaceChildren(
    ...view.steps.map((s) => {
      const li = document.createElement("li");
      li.dataset.state = s.state;
      li.textContent = `${s.step} — ${s.state}${s.at ? ` ${s.at}` : ""}${s.due ? ` (due ${s.due})` : ""}`;
      return li;
    }),
  );
  $("bundle").onclick = () => void download(`/v1/cases/${caseId}/bundle`, `case-${caseId}.zip`);
  $("certificate").onclick = () =>
    void download(`/v1/records/${caseId}/certificate?format=pdf`, `certificate-${caseId}.pdf`);
}

async function loadCases(): Promise<void> {
  const { cases } = await api<{ cases: CaseSummary[] }>("/v1/cases?status=all&limit=200");
  $("cases-empty").hidden = cases.length > 0;
  $("cases").replaceChildren(
    ...cases.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.case = c.caseId;
      const cells = [
        c.caseId,
        c.receivedAt,
        c.next ? `${c.next.step} (${c.next.due})` : "—",
        c.overdue.map((o) => o.step).join("; ") || "—",
      ];
      for (const value of cells)
        tr.appendChild(Object.assign(document.createElement("td"), { textContent: value }));
      const open = Object.assign(document.createElement("button"), {
        className: "link",
        type: "button",
        textContent: "查看 View",
      });
      open.onclick = () => void showTimeline(c.caseId);
      tr.appendChild(document.createElement("td")).appendChild(open);
      return tr;
    }),
  );
  $("a-notice").replaceChildren(
    ...cases.map((c) =>
      Object.assign(document.createElement("option"), { value: c.caseId, textContent: c.caseId }),
    ),
  );
}

/** The right-type elements (GB/T 39550 4.3.1.3-5) the form asks for, as the record holds them. */
function rightDetails(type: string): Record<string, unknown> {
  if (type === "trademark")
    return {
      ...(text("n-class") && { niceClass: Number(text("n-class")) }),
      ...(text("n-goods") && { goodsOrServices: text("n-goods") }),
    };
  if (type === "patent")
    return {
      patentType: text("n-ptype"),
      ...(text("n-claims") && { claimsReliedOn: [text("n-claims")] }),
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
    const links: { rel: string; id: string }[] = [];
    const file = $<HTMLInputElement>("n-file").files?.[0];
    const today = new Date().toISOString().slice(0, 10);
    if (file) {
      const bar = $<HTMLProgressElement>("n-progress");
      bar.hidden = false;
      const evidence = await upload(
        {
          kind: "evidence",
          metadata: {
            role: "infringement_capture",
            phase: "before",
            description: `${file.name} (portal upload)`,
            collection: {
              collector: { name: text("n-name") || "—" },
              method: "upload",
              environment: { tool: "portal", toolVersion: "1" },
              capturedAt: new Date().toISOString(),
            },
          },
        },
        [file],
        (f) => (bar.value = f),
      );
      links.push({ rel: "evidence", id: evidence.id });
    }
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
          ...rightDetails(text("n-right")),
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
            statement: "本通知内容真实。 The contents of this notice are true.",
          },
        }),
      },
      links,
    };
    const answer = await api<{ id: string }>("/v1/records", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(record),
    });
    $("notice-ok").textContent = `已提交 Submitted: ${answer.id}`;
    await loadCases();
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
  try {
    const url = text("a-url");
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
            statement: "本声明内容真实。 The contents of this declaration are true.",
          },
        },
        links: [{ rel: "answers", id: text("a-notice") }],
      }),
    });
    $("answer-ok").textContent = `已提交 Submitted: ${answer.id}`;
    await loadCases();
  } catch (e) {
    if (e instanceof TypeError) showError(form, error, { code: "URL_INVALID", message: e.message });
    else showError(form, error, e as ApiError);
  }
}

async function start(): Promise<void> {
  try {
    const me = await api<Me>("/v1/me");
    $("signin").hidden = true;
    $("app").hidden = false;
    $("who").textContent = `${me.name} (${me.role})`;
    $("notice-section").hidden = me.role !== "rights_holder";
    $("answer-section").hidden = me.role !== "merchant";
    await loadCases();
  } catch (e) {
    sessionStorage.removeItem(KEY);
    $("signin-error").textContent = `${(e as ApiError).code}: ${(e as ApiError).message}`;
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
// Only the chosen right type's own fields are shown.
$("n-right").addEventListener("change", () => {
  document
    .querySelectorAll<HTMLElement>("[data-right]")
    .forEach((e) => (e.hidden = e.dataset.right !== text("n-right")));
});
$("answer-form").addEventListener("submit", (e) => void submitAnswer(e));
if (sessionStorage.getItem(KEY)) void start();
