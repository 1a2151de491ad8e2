import QRCode from "qrcode";
import { NO_FILES, sizeLabel, type Certificate } from "./certificate";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The certificate as a printable, self-contained HTML page (the QR code is inline SVG). */
export async function renderCertificateHtml(c: Certificate): Promise<string> {
  const qr = await QRCode.toString(c.verifyUrl, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 1,
  });
  const rows = (fields: Certificate["sections"][number]["fields"]) =>
    fields
      .map(
        (f) =>
          `<tr><th>${escape(f.zh)}<br><small>${escape(f.en)}</small></th><td><code>${escape(f.value)}</code></td></tr>`,
      )
      .join("\n");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>存证证书 Evidence certificate ${escape(c.number)}</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:60rem;margin:2rem auto;color:#111}
h1{text-align:center}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #999;padding:.4rem;text-align:left;vertical-align:top}
th{width:14rem;background:#f3f3f3}code{word-break:break-all}.qr{float:right;width:9rem}.warn{color:#a00}
@media print{body{margin:0}}
</style></head><body>
<div class="qr">${qr}</div>
<h1>存证证书<br><small>Evidence certificate</small></h1>
<p>证书编号 Certificate number: <strong>${escape(c.number)}</strong></p>
<p>验证 Verify: <a href="${escape(c.verifyUrl)}">${escape(c.verifyUrl)}</a></p>
${c.developmentChain ? '<p class="warn">本地开发链上的锚定仅在信任运营方的范围内证明完整性。 An anchor on a local development chain proves integrity only as far as the operator is trusted.</p>' : ""}
${c.sections.map((s) => `<h2>${escape(s.zh)} ${escape(s.en)}</h2><table>${rows(s.fields)}</table>`).join("\n")}
<h2>文件 Files</h2>
${
  c.files.length === 0
    ? `<p>${escape(NO_FILES)}</p>`
    : `<table><tr><th>文件名 Name</th><th>类型 Type</th><th>大小 Size (bytes)</th><th>SHA-256</th></tr>
${c.files.map((f) => `<tr><td>${escape(f.name)}</td><td>${escape(f.mediaType)}</td><td>${sizeLabel(f.size)}</td><td><code>${f.sha256}</code></td></tr>`).join("\n")}
</table>`
}
<h2>手工验证步骤 How to verify by hand</h2>
<ol>${c.steps.map((s) => `<li>${escape(s.zh)}<br>${escape(s.en)}</li>`).join("\n")}</ol>
</body></html>
`;
}
