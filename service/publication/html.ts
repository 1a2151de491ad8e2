import { CHANNEL_NAMES, type ChannelName } from "../records";
import { inBeijingTime } from "../certificate/beijing-time";
import type { DirectoryVersion, Publication } from "./publication";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#111;line-height:1.5}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}article{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem .8rem;margin:.4rem 0}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.meta{color:#555;font-size:.9rem}a{color:#1a4fa0}@media (max-width:32rem){dl{grid-template-columns:1fr}}`;

const page = (title: string, body: string, feed: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="alternate" type="application/json" href="${escape(feed)}">
<style>${STYLE}</style></head><body>${body}</body></html>`;

const SUBJECT = {
  notice: "侵权通知 Notice",
  declaration: "不存在侵权行为声明 Declaration",
  outcome: "处理结果 Outcome",
  penalty: "行政处罚 Penalty decision",
  commitment: "承诺 Commitment",
  report: "消费者举报 Consumer report",
} as const;

/** Each public field's label in words, as the page's readers read it (README, publication). */
const LABELS: Record<string, string> = {
  receivedAt: "收到时间 Received",
  channel: "渠道 Channel",
  notifier: "通知人 Notifier",
  right: "权利 Right",
  listings: "商品链接 Listings",
  explanation: "侵权说明 Explanation",
  merchant: "商户 Merchant",
  argument: "理由 Argument",
  type: "措施 Measure",
  effectiveAt: "生效时间 Took effect",
  decidedBy: "决定方 Decided by",
  reasons: "理由 Reasons",
  measure: "措施内容 What was done",
  legalGround: "依据 Legal ground",
  redress: "救济途径 Redress",
  authority: "作出机关 Authority",
  documentNumber: "文书编号 Document number",
  decidedOn: "决定日期 Decided on",
  violation: "违法行为 Violation",
  penalty: "处罚 Penalty",
  party: "承诺人 Party",
  text: "承诺内容 Commitment",
  signedAt: "签署日期 Signed on",
  validUntil: "有效期至 Valid until",
  category: "类别 Category",
  content: "内容 Content",
};

const RIGHT_TYPES: Record<string, string> = {
  trademark: "商标 trademark",
  patent: "专利 patent",
  copyright: "著作权 copyright",
};

const DECIDERS: Record<string, string> = {
  person: "人工决定 decided by a person",
  automated: "自动决定 decided automatically",
};

/** A value as a reader reads it: times in Beijing time, codes in words. */
function wordsFor(key: string, value: unknown): unknown {
  if (typeof value !== "string") {
    if (key === "right" && value && typeof value === "object") {
      const r = value as { type?: string };
      return { ...r, ...(r.type && { type: RIGHT_TYPES[r.type] ?? r.type }) };
    }
    return value;
  }
  if (key === "channel") {
    const name = CHANNEL_NAMES[value as ChannelName];
    return name ? `${name.zh} ${name.en}` : value;
  }
  if (key === "decidedBy") return DECIDERS[value] ?? value;
  if ((key === "receivedAt" || key === "effectiveAt") && !Number.isNaN(Date.parse(value)))
    return inBeijingTime(value);
  return value;
}

function fields(view: Record<string, unknown>): string {
  return Object.entries(view)
    .map(([k, raw]) => {
      const v = wordsFor(k, raw);
      const value =
        typeof v === "string"
          ? escape(v)
          : Array.isArray(v)
            ? v
                .map((x) =>
                  escape(
                    typeof x === "object" ? Object.values(x as object).join(" · ") : String(x),
                  ),
                )
                .join("<br>")
            : escape(
                typeof v === "object" && v !== null ? Object.values(v).join(" · ") : String(v),
              );
      return `<dt>${escape(LABELS[k] ?? k)}</dt><dd>${value}</dd>`;
    })
    .join("");
}

/** The publication page: what the platform published, personal data redacted (README). */
export function renderPublicationsHtml(publications: readonly Publication[]): string {
  const items = publications
    .map(
      (p) => `<article><h2>${SUBJECT[p.subject]}</h2>
<p class="meta">公示时间 Published ${escape(inBeijingTime(p.publishedAt))} · <a href="${escape(p.verify)}">验证公示 verify the publication</a></p>
${p.warningText ? `<p><strong>警示 Warning:</strong> ${escape(p.warningText)}</p>` : ""}
${p.items
  .map(
    (i) =>
      `<dl>${fields(i.view)}</dl><p class="meta">记录 Record ${escape(i.recordId)} · <a href="${escape(i.verify)}">验证 verify</a></p>`,
  )
  .join("")}</article>`,
    )
    .join("\n");
  return page(
    "公示 Publications",
    `<h1>知识产权保护公示 IP protection publications</h1>
<p class="meta">依《电子商务法》第四十四条公示通知、声明及处理结果；个人信息已按公开规则隐去。 Notices, declarations and outcomes published under E-Commerce Law art. 44, personal data redacted. JSON: <a href="/v1/public/publications">/v1/public/publications</a></p>
${items || "<p>暂无公示 Nothing published yet.</p>"}`,
    "/v1/public/publications",
  );
}

/** The contact directory page (seed 000 §1): the current version, and every earlier one. */
export function renderDirectoryHtml(versions: readonly DirectoryVersion[]): string {
  const [current, ...earlier] = versions;
  const channel = (c: string) => CHANNEL_NAMES[c as ChannelName]?.zh ?? c;
  const table = (
    v: DirectoryVersion,
  ) => `<table><tr><th>联系人 Contact</th><th>渠道 Channel</th><th>联系方式 How</th></tr>
${v.entries.map((e) => `<tr><td>${escape(e.name)}${e.covers ? `<br><span class="meta">${escape(e.covers)}</span>` : ""}</td><td>${escape(channel(e.channel))}</td><td>${escape(e.contact)}</td></tr>`).join("")}</table>
<p class="meta">自 ${escape(v.effectiveFrom)} 起生效 effective from · 记录 record ${escape(v.recordId)} · <a href="${escape(v.verify)}">验证 verify</a></p>`;
  return page(
    "维权联络 Contacts",
    `<h1>知识产权维权联络 IP contacts</h1>
${current ? table(current) : "<p>暂无 None published yet.</p>"}
${earlier.length > 0 ? `<h2>历史版本 Earlier versions</h2>${earlier.map((v) => `<article>${table(v)}</article>`).join("")}` : ""}`,
    "/v1/public/contacts",
  );
}
