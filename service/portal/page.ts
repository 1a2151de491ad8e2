/**
 * The parties' portal (`/portal`): one static page, its script bundled like the verification
 * page's. Rights holders and merchants sign in with their API key, kept in this tab's session
 * storage (never in a URL), and see and do their own part through the same API.
 */
import { text } from "../i18n/static-html";

export const PORTAL_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${text("title", "portal.title")}
<style>
:root{--line:#d5d9df;--muted:#5b6470;--accent:#1a4fa0;--bad:#a40e0e;--ok:#05671f}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Zen Hei",system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1rem 3rem;color:#14181f;line-height:1.5;background:#fafbfc}
h1{font-size:1.4rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .6rem}small,.muted{color:var(--muted)}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;margin:.7rem 0 .2rem;font-weight:600}
input,select,textarea{width:100%;padding:.5rem .55rem;border:1px solid var(--line);border-radius:6px;font:inherit}
textarea{min-height:5rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0 1rem}
button{margin-top:1rem;font:inherit;padding:.55rem 1.2rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button.link{background:none;color:var(--accent);padding:0;margin:0;text-decoration:underline;width:auto}
.error{color:var(--bad);font-size:.92rem;margin-top:.2rem}.ok{color:var(--ok)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
progress{width:100%;height:.8rem}
nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
[hidden]{display:none!important}
code.id{font-size:.85rem;user-select:all;overflow-wrap:anywhere}button.copy{margin:0 0 0 .4rem;padding:.1rem .5rem;font-size:.8rem;background:#e8eef8;color:var(--accent);width:auto!important}
nav.lang{justify-content:flex-end}nav.lang button[aria-pressed=true]{font-weight:700;text-decoration:none;color:#14181f}td,th{overflow-wrap:normal;word-break:keep-all}
@media (max-width:32rem){body{padding:.6rem}section{padding:.75rem}button{width:100%}
#cases-table thead{display:none}#cases-table tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
#cases-table td{display:block;border:0;padding:.15rem 0}#cases-table td[data-label]::before{content:attr(data-label);display:block;color:var(--muted);font-size:.8rem}}
</style></head><body>
<nav id="lang" class="lang" aria-label="语言 Language"></nav>
${text("h1", "portal.title")}
<section id="signin">
${text("h2", "portal.signIn")}
${text("p", "portal.keyNote", 'class="muted"')}
<form id="signin-form">${text("label", "portal.key", 'for="key"')}<input id="key" type="password" autocomplete="off">
<div class="error" id="signin-error"></div>${text("button", "portal.signIn", 'type="submit"')}</form>
</section>
<div id="app" hidden>
<nav><span id="who"></span>${text("button", "portal.signOut", 'class="link" id="signout" type="button"')}</nav>
<section>${text("h2", "portal.myCases")}
<table id="cases-table"><thead><tr>${text("th", "portal.colNotice")}${text("th", "portal.colReceived")}${text("th", "portal.colNext")}${text("th", "portal.colOverdue")}<th></th></tr></thead><tbody id="cases"></tbody></table>
${text("p", "portal.noCases", 'class="muted" id="cases-empty" hidden')}</section>
<section id="timeline-section" hidden><h2>${text("span", "portal.timeline")} <span id="timeline-case" class="muted"></span></h2>
<p id="case-status"></p>
<ul id="timeline"></ul><nav>${text("button", "portal.downloadCertificate", 'class="link" type="button" id="certificate"')}${text("button", "portal.downloadBundle", 'class="link" type="button" id="bundle"')}</nav></section>
<section id="capture-section" hidden>${text("h2", "portal.captureTitle")}
${text("p", "portal.captureIntro", 'class="muted"')}
<form id="capture-form" novalidate>
<div class="grid">
<div>${text("label", "portal.captureUrl", 'for="c-url"')}<input id="c-url" type="url" data-path="url" placeholder="https://"><div class="error" data-error="url"></div></div>
<div>${text("label", "portal.captureCase", 'for="c-case"')}<input id="c-case" data-path="caseRef"></div>
</div>
<label class="muted"><input id="c-scroll" type="checkbox" style="width:auto"> ${text("span", "portal.captureScroll")}</label>
<label class="muted"><input id="c-personal" type="checkbox" style="width:auto"> ${text("span", "portal.capturePersonal")}</label>
<div class="error" id="capture-error"></div><p id="capture-state" aria-live="polite"></p>
${text("button", "portal.captureButton", 'type="submit"')}</form></section>
<section id="notice-section" hidden>${text("h2", "portal.submitNotice")}
<form id="notice-form" novalidate>
<div class="grid">
<div>${text("label", "portal.channel", 'for="n-channel"')}<select id="n-channel" data-path="metadata.channel">${text("option", "channel.system", 'value="system"')}${text("option", "channel.email", 'value="email"')}${text("option", "channel.web_form", 'value="web_form"')}</select><div class="error" data-error="metadata.channel"></div></div>
<div>${text("label", "portal.rightsHolder", 'for="n-name"')}<input id="n-name" data-path="metadata.notifier.legalName"><div class="error" data-error="metadata.notifier.legalName"></div></div>
<div>${text("label", "portal.idNumber", 'for="n-id"')}<input id="n-id" data-path="metadata.notifier.idDocument.number"><div class="error" data-error="metadata.notifier.idDocument"></div></div>
<div>${text("label", "portal.email", 'for="n-email"')}<input id="n-email" type="email" data-path="metadata.notifier.email"><div class="error" data-error="metadata.notifier.email"></div></div>
<div>${text("label", "portal.right", 'for="n-right"')}<select id="n-right">${text("option", "publication.rightType.trademark", 'value="trademark"')}${text("option", "publication.rightType.patent", 'value="patent"')}${text("option", "publication.rightType.copyright", 'value="copyright"')}</select></div>
<div>${text("label", "portal.registration", 'for="n-reg"')}<input id="n-reg" data-path="metadata.right.registrationNumber"><div class="error" data-error="metadata.right"></div></div>
<div data-right="trademark">${text("label", "portal.niceClass", 'for="n-class"')}<input id="n-class" type="number" min="1" max="45"></div>
<div data-right="trademark">${text("label", "portal.goods", 'for="n-goods"')}<input id="n-goods"></div>
<div data-right="patent" hidden>${text("label", "portal.patentType", 'for="n-ptype"')}<select id="n-ptype">${text("option", "portal.patent.invention", 'value="invention"')}${text("option", "portal.patent.utility_model", 'value="utility_model"')}${text("option", "portal.patent.design", 'value="design"')}</select></div>
<div data-right="patent" hidden>${text("label", "portal.claims", 'for="n-claims"')}<input id="n-claims"></div>
<div data-right="patent" hidden>${text("label", "portal.claimFeature", 'for="n-claim-feature"')}<input id="n-claim-feature"></div>
<div data-right="patent" hidden>${text("label", "portal.productFeature", 'for="n-product-feature"')}<input id="n-product-feature"></div>
<div data-right="patent" hidden>${text("label", "portal.evaluationReport", 'for="n-report"')}<input id="n-report" type="file"></div>
<div data-right="copyright" hidden>${text("label", "portal.workTitle", 'for="n-work"')}<input id="n-work"></div>
<div data-right="copyright" hidden>${text("label", "portal.workType", 'for="n-worktype"')}<input id="n-worktype"></div>
<div>${text("label", "portal.listingUrl", 'for="n-url"')}<input id="n-url" data-path="metadata.targets.0.url"><div class="error" data-error="metadata.targets"></div></div>
<div>${text("label", "portal.shopId", 'for="n-shop"')}<input id="n-shop" data-path="metadata.targets.0.shopId"></div>
</div>
${text("label", "portal.explanation", 'for="n-explanation"')}<textarea id="n-explanation" data-path="metadata.explanation"></textarea><div class="error" data-error="metadata.explanation"></div>
${text("label", "portal.proofFiles", 'for="n-proof"')}<input id="n-proof" type="file" multiple data-path="metadata.right.proofFiles"><div class="error" data-error="metadata.right.proofFiles"></div>
${text("label", "portal.evidenceFile", 'for="n-file"')}<input id="n-file" type="file">
<ul id="n-cited" class="muted" hidden></ul>
<progress id="n-progress" value="0" max="1" hidden></progress>
<label class="muted"><input id="n-true" type="checkbox" style="width:auto"> ${text("span", "portal.undertaking")}</label>
<div class="error" id="notice-error"></div><div class="ok" id="notice-ok"></div>
${text("button", "portal.submit", 'type="submit"')}</form></section>
<section id="answer-section" hidden>${text("h2", "portal.answer")}
<form id="answer-form" novalidate>
<div class="grid">
<div>${text("label", "portal.noticeId", 'for="a-notice"')}<select id="a-notice"></select></div>
<div>${text("label", "portal.merchant", 'for="a-name"')}<input id="a-name" data-path="metadata.merchant.legalName"><div class="error" data-error="metadata.merchant.legalName"></div></div>
<div>${text("label", "portal.idNumber", 'for="a-id"')}<input id="a-id" data-path="metadata.merchant.idDocument.number"><div class="error" data-error="metadata.merchant.idDocument"></div></div>
<div>${text("label", "portal.listingUrl", 'for="a-url"')}<input id="a-url" data-path="metadata.items.0.url"><div class="error" data-error="metadata.items"></div></div>
</div>
<p class="muted" id="a-listing"></p>
${text("label", "portal.argument", 'for="a-argument"')}<textarea id="a-argument" data-path="metadata.argument"></textarea><div class="error" data-error="metadata.argument"></div>
${text("label", "portal.answerEvidence", 'for="a-file"')}<input id="a-file" type="file">
<progress id="a-progress" value="0" max="1" hidden></progress>
<div class="error" id="answer-error"></div><div class="ok" id="answer-ok"></div>
${text("button", "portal.submit", 'type="submit"')}</form></section>
</div>
<script src="/portal/app.js"></script>
</body></html>
`;
