import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root";

/** The verification page: static HTML; its script is bundled once, on first request. */
export const VERIFY_PAGE_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>回执验证 Receipt verification</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input[type=text]{width:100%}button{margin-top:1rem;font-size:1.1rem}
li[data-status=pass]{color:#060}li[data-status=fail],li[data-status=error]{color:#a00}li[data-status=skip]{color:#666}
#verdict{margin-top:1rem;font-weight:bold}#verdict[data-verdict=valid]{color:#060}#verdict[data-verdict=invalid]{color:#a00}
</style></head><body>
<h1>回执验证 <small>Receipt verification</small></h1>
<p>文件只在本浏览器中计算哈希，不会上传。 Files are hashed in this browser and never uploaded.</p>
<p id="record"></p>
<label for="receipt">回执 (JSON) Receipt</label><input id="receipt" type="file" accept="application/json,.json">
<label for="files">文件 Files</label><input id="files" type="file" multiple>
<label for="rpc">链 RPC 地址 Chain RPC URL</label><input id="rpc" type="text">
<label for="tsa-ca">时间戳机构根证书 TSA root certificates (PEM/DER, optional)</label><input id="tsa-ca" type="file" multiple accept=".pem,.crt,.cer,.der">
<label><input id="service-tsa" type="checkbox" checked> 同时信任本服务配置的时间戳机构根证书 Also trust the TSA roots this service is configured with</label>
<button id="verify">验证 Verify</button>
<ul id="steps"></ul>
<h2>见证 <small>Witnesses</small></h2>
<ul id="witnesses"></ul>
<div id="verdict"></div>
<script src="/verify/app.js"></script>
</body></html>
`;

/** Where `npm run build` leaves the page's script, bundled ahead of time. */
export const PREBUILT_PAGE_SCRIPT = join(PACKAGE_ROOT, "dist", "verify-page", "app.js");

/** Bundles the page's script for browsers: the same verifier core the CLI and the service run. */
export async function bundleVerifyPageScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(PACKAGE_ROOT, "service", "verify-page", "app.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

let bundle: Promise<string> | undefined;

/**
 * The page's script: a built service (running from dist/) serves the one `npm run build` made
 * and bundles nothing at run time; from the sources (development, tests) it is bundled on first
 * request, so it is never older than the code beside it.
 */
export function verifyPageScript(): Promise<string> {
  bundle ??= __filename.endsWith(".js")
    ? readFile(PREBUILT_PAGE_SCRIPT, "utf8")
    : bundleVerifyPageScript();
  return bundle;
}
