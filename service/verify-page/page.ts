import { browserScript } from "../browser-bundle";
import { text } from "../i18n/static-html";

/** The verification page: static HTML; its script is bundled once, on first request. */
export const VERIFY_PAGE_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${text("title", "verify.title")}
<style>
:root{--ok:#05671f;--bad:#a40e0e;--muted:#5b6470;--line:#d5d9df;--accent:#1a4fa0}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Zen Hei",system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem 1rem 3rem;color:#14181f;line-height:1.5;background:#fafbfc}
h1{font-size:1.45rem;margin:.5rem 0 1rem}h1 small,h2 small{color:var(--muted);font-weight:normal}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;margin:.8rem 0 .25rem;font-weight:600}
input[type=text]{width:100%;padding:.55rem .6rem;border:1px solid var(--line);border-radius:6px;font-size:1rem}
input[type=file]{width:100%;font-size:.95rem}
.inline{display:flex;gap:.5rem;align-items:flex-start;font-weight:normal}.inline input{margin-top:.35rem}
button{margin-top:1rem;font-size:1.05rem;padding:.6rem 1.4rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
.note,#record{color:var(--muted);font-size:.95rem}
ul{padding-left:1.2rem}li{margin:.25rem 0;overflow-wrap:anywhere}
li[data-status=pass]{color:var(--ok)}li[data-status=fail],li[data-status=error]{color:var(--bad)}li[data-status=skip]{color:var(--muted)}
#record-fields{width:100%;border-collapse:collapse;font-size:.92rem;table-layout:fixed}
#record-fields th,#record-fields td{text-align:left;vertical-align:top;padding:.25rem .4rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
#record-fields th{width:38%;font-weight:600;color:var(--muted)}#record-fields tr[data-hidden] td{color:var(--muted);font-style:italic}
#verdict{margin-top:1rem;padding:.8rem 1rem;border-radius:6px;font-weight:bold;overflow-wrap:anywhere}
#verdict:empty,#verdict-detail:empty{display:none}
#verdict{font-size:1.15rem}
#verdict-detail{margin:.4rem 0 0;padding:.2rem 1rem .6rem;overflow-wrap:anywhere}#verdict-detail p{margin:.35rem 0}
#verdict-detail [data-files=unchecked]{color:#7a4b00;font-weight:600}#verdict-detail [data-files=pass]{color:var(--ok)}
#drop{display:block;margin:.6rem 0 1rem;padding:1.2rem 1rem;border:2px dashed var(--accent);border-radius:8px;text-align:center;color:var(--accent);font-weight:normal;cursor:pointer;background:#f3f6fb}
#drop[hidden]{display:none}#drop span{display:block;font-size:.92rem}#drop.over{background:#e3ebf7}
#verdict[data-verdict=valid]{color:var(--ok);background:#e9f6ec}#verdict[data-verdict=invalid],#verdict[data-verdict=error]{color:var(--bad);background:#fbeaea}
#verdict[data-verdict=unverifiable]{color:#7a4b00;background:#fff4e0}
nav.lang{display:flex;justify-content:flex-end;gap:1rem}nav.lang button{margin:0;padding:0;background:none;color:var(--accent);text-decoration:underline;font-size:.95rem;width:auto!important}nav.lang button[aria-pressed=true]{font-weight:700;text-decoration:none;color:#14181f}
@media (max-width:30rem){body{padding:.6rem}section{padding:.75rem}button{width:100%}}
</style></head><body>
<nav id="lang" class="lang" aria-label="语言 Language"></nav>
${text("h1", "verify.title")}
<div id="verdict" aria-live="polite"></div>
<div id="verdict-detail"></div>
<label id="drop" for="files" hidden>${text("strong", "verify.dropStrong")}${text("span", "verify.dropHint")}</label>
${text("p", "verify.localNote", 'class="note"')}
<section id="lookup-section">
${text("h2", "verify.lookupTitle")}
<form id="lookup-form">
${text("label", "verify.certificateNumber", 'for="certificate-number"')}<input id="certificate-number" type="text" autocomplete="off" placeholder="EN-00000000-XXXXXXXX">
${text("label", "verify.certificateCode", 'for="certificate-code"')}<input id="certificate-code" type="text" autocomplete="off" placeholder="XXXX-XXXX-XXXX-XXXX">
${text("button", "verify.lookUp", 'id="lookup" type="submit"')}
</form>
</section>
<section>
${text("h2", "verify.receiptTitle")}
<p id="record"></p>
<p id="receipt-note" class="note"></p>
${text("label", "verify.receipt", 'for="receipt"')}<input id="receipt" type="file" accept="application/json,.json">
${text("label", "verify.files", 'for="files"')}<input id="files" type="file" multiple>
${text("label", "verify.rpc", 'for="rpc"')}<input id="rpc" type="text" list="rpc-choices"><datalist id="rpc-choices"></datalist>
<p id="rpc-note" class="note"></p>
${text("label", "verify.tsaRoots", 'for="tsa-ca"')}<input id="tsa-ca" type="file" multiple accept=".pem,.crt,.cer,.der">
<label class="inline" id="service-tsa-label"><input id="service-tsa" type="checkbox" checked> ${text("span", "verify.serviceTsa")}</label>
${text("button", "verify.verify", 'id="verify" type="button"')}
</section>
${text("h2", "verify.recordTitle")}
${text("p", "verify.recordNote", 'class="note"')}
<table id="record-fields"></table>
${text("h2", "verify.checksTitle")}
<ul id="steps"></ul>
${text("h2", "verify.witnessesTitle")}
<ul id="witnesses"></ul>
<script src="/verify/app.js"></script>
</body></html>
`;

/** The page's script, bundled for browsers: the same verifier core the CLI and service run. */
export const verifyPageScript = (): Promise<string> => browserScript("verify-page");

/**
 * The page as one self-contained file for the court bundle: its script inlined, opened from
 * file:// with no service behind it, reading the chain from `rpcUrl` (any RPC the reader trusts
 * may replace it on the page).
 */
export async function offlineVerifyPage(rpcUrl: string): Promise<string> {
  // A "</script" inside the inlined code would end the element early.
  const script = (await verifyPageScript()).replace(/<\/script/gi, "<\\/script");
  const config = JSON.stringify({ rpcUrl }).replace(/</g, "\\u003c");
  // A function, not a string: "$&" or "$'" in the minified code must stay as written.
  return VERIFY_PAGE_HTML.replace(
    '<script src="/verify/app.js"></script>',
    () => `<script>globalThis.NOTARY_OFFLINE = ${config};</script>\n<script>${script}</script>`,
  );
}
