import type { AuditReport } from "./audit";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The audit as a page an assessor can print. */
export function renderAuditHtml(report: AuditReport): string {
  const rows = report.discrepancies
    .map(
      (d) =>
        `<tr><td>${escape(d.check)}</td><td><code>${escape(d.code)}</code></td><td>${escape(d.message)}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>审计报告 Audit report</title>
<style>body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;text-align:left}.ok{color:#060}.bad{color:#a00}p code{white-space:nowrap}</style>
</head><body><h1>审计报告 <small>Audit report</small></h1>
<p>audit ${escape(report.id)}, ${escape(report.startedAt)} – ${escape(report.finishedAt)}; chain ${escape(report.ledger.chainId)}, contract <code>${escape(report.ledger.contract)}</code>, operator <code>${escape(report.ledger.operator)}</code></p>
<p>记录 Records ${report.counted.records} · 文件 Files ${report.counted.files} (${report.counted.fileBytes} bytes re-hashed) · 批次 Batches ${report.counted.batches} (${report.counted.anchoredBatches} anchored)${report.counted.erasedFiles ? ` · 已删除文件 Files erased ${report.counted.erasedFiles}` : ""}</p>
${report.counted.clearRecords ? `<p>明文个人信息的旧记录 Records holding personal data in the clear (evidence-record/v1, not erasable, never public): ${report.counted.clearRecords}${(report.counted.clearRecordIds ?? []).length < report.counted.clearRecords ? ", the first:" : ":"} ${(report.counted.clearRecordIds ?? []).map((id) => `<code>${escape(id)}</code>`).join(" ")}</p>` : ""}
<p class="${report.ok ? "ok" : "bad"}">${report.ok ? "未发现差异 No discrepancy found" : `发现 ${report.discrepancies.length} 处差异 ${report.discrepancies.length} discrepancies found`}</p>
${report.ok ? "" : `<table><tr><th>检查 Check</th><th>代码 Code</th><th>说明 Detail</th></tr>${rows}</table>`}
</body></html>
`;
}
