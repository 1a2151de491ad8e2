import { inBeijingTime } from "../certificate/beijing-time";
import { LANGUAGES, type Language } from "../i18n/catalogue";
import { translator, type Translate } from "../i18n/translator";
import type { DirectoryVersion, Publication } from "./publication";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#111;line-height:1.5}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}article{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem .8rem;margin:.4rem 0}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.meta{color:#555;font-size:.9rem}a{color:#1a4fa0}nav{text-align:right}nav a{margin-left:1rem}nav a[aria-current]{color:#111;font-weight:700;text-decoration:none}
@media (max-width:32rem){dl{grid-template-columns:1fr}}`;

const NAMES: Record<Language, string> = { zh: "中文", en: "English" };

/** Links to the same page in each language (the page has no script: a switch is a link). */
const switcher = (language: Language) =>
  `<nav aria-label="语言 Language">${LANGUAGES.map(
    (l) =>
      `<a href="?lang=${l}" hreflang="${l}"${l === language ? ' aria-current="true"' : ""}>${NAMES[l]}</a>`,
  ).join("")}</nav>`;

const page = (language: Language, title: string, body: string, feed: string) => `<!doctype html>
<html lang="${language === "zh" ? "zh-CN" : "en"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="alternate" type="application/json" href="${escape(feed)}">
<style>${STYLE}</style></head><body>${switcher(language)}${body}</body></html>`;

/** A value as a reader reads it: times in Beijing time, codes in words. */
function wordsFor(t: Translate, language: Language, key: string, value: unknown): unknown {
  const word = (prefix: string, code: string) => t(`${prefix}.${code}`, { defaultValue: code });
  if (typeof value !== "string") {
    if (key === "right" && value && typeof value === "object") {
      const r = value as { type?: string };
      return { ...r, ...(r.type && { type: word("publication.rightType", r.type) }) };
    }
    return value;
  }
  if (key === "channel") return word("channel", value);
  if (key === "decidedBy") return word("publication.decider", value);
  if (key === "type") return word("action", value);
  if ((key === "receivedAt" || key === "effectiveAt") && !Number.isNaN(Date.parse(value)))
    return inBeijingTime(value, language);
  return value;
}

function fields(t: Translate, language: Language, view: Record<string, unknown>): string {
  const joined = (v: unknown) =>
    typeof v === "object" && v !== null ? Object.values(v).join(" · ") : String(v);
  return Object.entries(view)
    .map(([k, raw]) => {
      const v = wordsFor(t, language, k, raw);
      const value = Array.isArray(v)
        ? v.map((x) => escape(joined(x))).join("<br>")
        : escape(joined(v));
      return `<dt>${escape(t(`publication.label.${k}`, { defaultValue: k }))}</dt><dd>${value}</dd>`;
    })
    .join("");
}

/** The publication page: what the platform published, personal data redacted (README). */
export function renderPublicationsHtml(
  publications: readonly Publication[],
  language: Language = "zh",
): string {
  const t = translator(language);
  const items = publications
    .map(
      (p) => `<article><h2>${escape(t(`publication.subject.${p.subject}`))}</h2>
<p class="meta">${escape(t("publication.published", { time: inBeijingTime(p.publishedAt, language) }))} · <a href="${escape(p.verify)}">${escape(t("publication.verifyPublication"))}</a></p>
${p.warningText ? `<p><strong>${escape(t("publication.warning"))}:</strong> ${escape(p.warningText)}</p>` : ""}
${p.items
  .map(
    (i) =>
      `<dl>${fields(t, language, i.view)}</dl><p class="meta">${escape(t("publication.record", { id: i.recordId }))} · <a href="${escape(i.verify)}">${escape(t("publication.verify"))}</a></p>`,
  )
  .join("")}</article>`,
    )
    .join("\n");
  return page(
    language,
    t("publication.pageTitle"),
    `<h1>${escape(t("publication.title"))}</h1>
<p class="meta">${escape(t("publication.intro"))} JSON: <a href="/v1/public/publications">/v1/public/publications</a></p>
${items || `<p>${escape(t("publication.nothing"))}</p>`}`,
    "/v1/public/publications",
  );
}

/** The contact directory page (seed 000 §1): the current version, and every earlier one. */
export function renderDirectoryHtml(
  versions: readonly DirectoryVersion[],
  language: Language = "zh",
): string {
  const t = translator(language);
  const [current, ...earlier] = versions;
  const table = (
    v: DirectoryVersion,
  ) => `<table><tr><th>${escape(t("publication.contact"))}</th><th>${escape(t("publication.label.channel"))}</th><th>${escape(t("publication.how"))}</th></tr>
${v.entries.map((e) => `<tr><td>${escape(e.name)}${e.covers ? `<br><span class="meta">${escape(e.covers)}</span>` : ""}</td><td>${escape(t(`channel.${e.channel}`, { defaultValue: e.channel }))}</td><td>${escape(e.contact)}</td></tr>`).join("")}</table>
<p class="meta">${escape(t("publication.effectiveFrom", { date: v.effectiveFrom }))} · ${escape(t("publication.record", { id: v.recordId }))} · <a href="${escape(v.verify)}">${escape(t("publication.verify"))}</a></p>`;
  return page(
    language,
    t("publication.contactsPageTitle"),
    `<h1>${escape(t("publication.contactsTitle"))}</h1>
${current ? table(current) : `<p>${escape(t("publication.noContacts"))}</p>`}
${earlier.length > 0 ? `<h2>${escape(t("publication.earlier"))}</h2>${earlier.map((v) => `<article>${table(v)}</article>`).join("")}` : ""}`,
    "/v1/public/contacts",
  );
}
