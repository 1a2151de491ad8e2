/**
 * The parties' portal (`/portal`): one static page, its script bundled like the verification
 * page's. Rights holders and merchants sign in with their API key, kept in this tab's session
 * storage (never in a URL), and see and do their own part through the same API.
 */
export const PORTAL_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>当事人门户 Parties' portal</title>
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
button.link{background:none;color:var(--accent);padding:0;margin:0;text-decoration:underline}
.error{color:var(--bad);font-size:.92rem;margin-top:.2rem}.ok{color:var(--ok)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
progress{width:100%;height:.8rem}
nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
[hidden]{display:none!important}
code.id{font-size:.85rem;user-select:all;overflow-wrap:anywhere}td,th{overflow-wrap:normal;word-break:keep-all}
@media (max-width:32rem){body{padding:.6rem}section{padding:.75rem}button{width:100%}
#cases-table thead{display:none}#cases-table tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
#cases-table td{display:block;border:0;padding:.15rem 0}#cases-table td[data-label]::before{content:attr(data-label);display:block;color:var(--muted);font-size:.8rem}}
</style></head><body>
<h1>当事人门户 <small>Parties' portal</small></h1>
<section id="signin">
<h2>登录 <small>Sign in</small></h2>
<p class="muted">API 密钥只保存在本标签页中，关闭即清除。 Your API key stays in this tab only and is gone when you close it.</p>
<form id="signin-form"><label for="key">API 密钥 API key</label><input id="key" type="password" autocomplete="off">
<div class="error" id="signin-error"></div><button type="submit">登录 Sign in</button></form>
</section>
<div id="app" hidden>
<nav><span id="who"></span><button class="link" id="signout" type="button">退出 Sign out</button></nav>
<section><h2>我的案件 <small>My cases</small></h2>
<table id="cases-table"><thead><tr><th>通知 Notice</th><th>收到 Received</th><th>下一步 Next step</th><th>逾期 Overdue</th><th></th></tr></thead><tbody id="cases"></tbody></table>
<p class="muted" id="cases-empty" hidden>暂无案件 No cases yet.</p></section>
<section id="timeline-section" hidden><h2>案件时间线 <small>Case timeline</small> <span id="timeline-case" class="muted"></span></h2>
<p id="case-status"></p>
<ul id="timeline"></ul><nav><button class="link" type="button" id="certificate">下载通知存证证书 Download the notice's certificate</button><button class="link" type="button" id="bundle">下载材料包 Download the court bundle</button></nav></section>
<section id="notice-section" hidden><h2>提交侵权通知 <small>Submit a notice</small></h2>
<form id="notice-form" novalidate>
<div class="grid">
<div><label for="n-channel">渠道 Channel</label><select id="n-channel" data-path="metadata.channel"><option value="system">通知系统 system</option><option value="email">邮件 e-mail</option><option value="web_form">网页 web form</option></select><div class="error" data-error="metadata.channel"></div></div>
<div><label for="n-name">权利人名称 Rights holder</label><input id="n-name" data-path="metadata.notifier.legalName"><div class="error" data-error="metadata.notifier.legalName"></div></div>
<div><label for="n-id">证件号码 Identity document no.</label><input id="n-id" data-path="metadata.notifier.idDocument.number"><div class="error" data-error="metadata.notifier.idDocument"></div></div>
<div><label for="n-email">邮箱 E-mail</label><input id="n-email" type="email" data-path="metadata.notifier.email"><div class="error" data-error="metadata.notifier.email"></div></div>
<div><label for="n-right">权利类型 Right</label><select id="n-right"><option value="trademark">商标 trademark</option><option value="patent">专利 patent</option><option value="copyright">著作权 copyright</option></select></div>
<div><label for="n-reg">登记号 Registration no.</label><input id="n-reg" data-path="metadata.right.registrationNumber"><div class="error" data-error="metadata.right"></div></div>
<div data-right="trademark"><label for="n-class">类别 Nice class</label><input id="n-class" type="number" min="1" max="45"></div>
<div data-right="trademark"><label for="n-goods">核定商品 Goods or services</label><input id="n-goods"></div>
<div data-right="patent" hidden><label for="n-ptype">专利类型 Patent type</label><select id="n-ptype"><option value="invention">发明 invention</option><option value="utility_model">实用新型 utility model</option><option value="design">外观设计 design</option></select></div>
<div data-right="patent" hidden><label for="n-claims">权利要求 Claims relied on</label><input id="n-claims"></div>
<div data-right="copyright" hidden><label for="n-work">作品名称 Work title</label><input id="n-work"></div>
<div data-right="copyright" hidden><label for="n-worktype">作品类型 Work type</label><input id="n-worktype"></div>
<div><label for="n-url">商品链接 Listing URL</label><input id="n-url" data-path="metadata.targets.0.url"><div class="error" data-error="metadata.targets"></div></div>
<div><label for="n-shop">店铺编号 Shop id</label><input id="n-shop" data-path="metadata.targets.0.shopId"></div>
</div>
<label for="n-explanation">侵权说明 Explanation</label><textarea id="n-explanation" data-path="metadata.explanation"></textarea><div class="error" data-error="metadata.explanation"></div>
<label for="n-file">初步证据文件 Evidence file</label><input id="n-file" type="file">
<progress id="n-progress" value="0" max="1" hidden></progress>
<label class="muted"><input id="n-true" type="checkbox" style="width:auto"> 本人保证通知内容真实 I undertake that this notice is true</label>
<div class="error" id="notice-error"></div><div class="ok" id="notice-ok"></div>
<button type="submit">提交 Submit</button></form></section>
<section id="answer-section" hidden><h2>提交不侵权声明 <small>Answer a notice</small></h2>
<form id="answer-form" novalidate>
<div class="grid">
<div><label for="a-notice">通知编号 Notice id</label><select id="a-notice"></select></div>
<div><label for="a-name">商户名称 Merchant</label><input id="a-name" data-path="metadata.merchant.legalName"><div class="error" data-error="metadata.merchant.legalName"></div></div>
<div><label for="a-id">证件号码 Identity document no.</label><input id="a-id" data-path="metadata.merchant.idDocument.number"><div class="error" data-error="metadata.merchant.idDocument"></div></div>
<div><label for="a-url">商品链接 Listing URL</label><input id="a-url" data-path="metadata.items.0.url"><div class="error" data-error="metadata.items"></div></div>
</div>
<p class="muted" id="a-listing"></p>
<label for="a-argument">理由 Argument</label><textarea id="a-argument" data-path="metadata.argument"></textarea><div class="error" data-error="metadata.argument"></div>
<label for="a-file">不侵权初步证据 Evidence of non-infringement (licence, invoice, authorisation)</label><input id="a-file" type="file">
<progress id="a-progress" value="0" max="1" hidden></progress>
<div class="error" id="answer-error"></div><div class="ok" id="answer-ok"></div>
<button type="submit">提交 Submit</button></form></section>
</div>
<script src="/portal/app.js"></script>
</body></html>
`;
