import { inBeijingTime } from "../certificate/certificate";
import type { Binder } from "./binder";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const LEVELS = {
  basic: "电子商务平台知识产权基础管理（60分） Basic management (60)",
  improvement: "电子商务平台知识产权提升管理（40分） Improved management (40)",
  bonus: "附加分（10分） Bonus (10)",
} as const;

const BASIS = {
  records: "平台记录 platform records",
  activities: "活动记录 activity records",
  outside: "软件之外 outside software",
} as const;

/** The binder as a printable HTML page: one table per level, each row with its evidence. */
export function renderBinderHtml(b: Binder): string {
  const row = (r: Binder["rows"][number]) => `<tr class="${r.basis}">
<td>${escape(r.id)}</td>
<td>${escape(r.area)}<br><strong>${escape(r.item)}</strong></td>
<td>${escape(r.content)}<br><small>${escape(r.criteria)}</small></td>
<td>${escape(r.clause)}</td>
<td>${r.points}</td>
<td><small>${escape(BASIS[r.basis])}</small><br>${escape(r.rule)}<ul>${r.evidence
    .map(
      (e) =>
        `<li>${escape(e.label)}: ${e.count}${e.samples
          .map(
            (s) =>
              ` <a href="${escape(s.certificate)}">证书 certificate</a> <a href="${escape(s.verify)}">验证 verify</a>`,
          )
          .join(" ·")}</li>`,
    )
    .join("")}</ul></td>
<td class="score">${r.score}</td></tr>`;
  const level = (l: keyof typeof LEVELS) => `<h2>${LEVELS[l]}</h2>
<table><thead><tr><th>#</th><th>指标 Indicator</th><th>评分内容与标准 Content and criteria</th><th>条款 Clause</th><th>分值 Points</th><th>证据 Evidence</th><th>得分 Score</th></tr></thead>
<tbody>${b.rows
    .filter((r) => r.level === l)
    .map(row)
    .join("\n")}</tbody>
<tfoot><tr><td colspan="4">小计 Subtotal</td><td>${b.subtotals[l].points}</td><td>可由记录支持 supportable by records: ${b.subtotals[l].supportable}</td><td class="score">${b.subtotals[l].score}</td></tr></tfoot></table>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GB/T 39550-2020 贯标评价证明材料 Evaluation binder</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:80rem;margin:1.5rem auto;padding:0 1rem;color:#111;line-height:1.4}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem;font-size:.9rem}th,td{border:1px solid #999;padding:.35rem;vertical-align:top;text-align:left}
thead th{background:#eef}tfoot td{font-weight:bold;background:#f6f6f6}.score{text-align:right;font-weight:bold;white-space:nowrap}
tr.outside td{background:#fff8e6}tr.activities td:first-child{border-left:4px solid #6a6}ul{margin:.2rem 0;padding-left:1.1rem}
@media print{body{margin:0;max-width:none}a{color:#000}}
</style></head><body>
<h1>《电子商务平台知识产权保护管理》GB/T 39550-2020 贯标评价证明材料<br><small>Evidence binder for the GB/T 39550-2020 evaluation</small></h1>
<p>被评价平台 Platform evaluated: ${escape(b.platform)}</p>
<p>期间 Period: ${escape(inBeijingTime(b.from))} — ${escape(inBeijingTime(b.to))}；生成 Generated: ${escape(inBeijingTime(b.generatedAt))}</p>
<p>每项证据均为已存证记录：点击"证书"查看存证证书，点击"验证"独立核验。 Every item of evidence is a notarised record: its certificate and its independent verification are linked.</p>
${(["basic", "improvement", "bonus"] as const).map(level).join("\n")}
<h2>合计 Total: ${b.total.score} / ${b.total.points}</h2>
<p>可由本台账记录支持的分值 Points the ledger's records can support: ${b.total.supportable}。标为"软件之外"的行由评价专家另行认定。 Rows marked "outside software" are for the assessors to find.</p>
</body></html>`;
}
