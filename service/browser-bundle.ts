import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "./package-root";

/** The pages whose scripts run in browsers, each `service/<page>/app.ts`. */
export const BROWSER_PAGES = ["verify-page", "portal"] as const;
export type BrowserPage = (typeof BROWSER_PAGES)[number];

/** Where `npm run build` leaves a page's script, bundled ahead of time. */
export const prebuiltScript = (page: BrowserPage): string =>
  join(PACKAGE_ROOT, "dist", page, "app.js");

/** Bundles a page's script for browsers, with esbuild, everything from the npm registry. */
export async function bundleBrowserScript(page: BrowserPage): Promise<string> {
  const result = await build({
    entryPoints: [join(PACKAGE_ROOT, "service", page, "app.ts")],
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

const bundles = new Map<BrowserPage, Promise<string>>();

/**
 * A page's script: a built service (running from dist/) serves the one `npm run build` made and
 * bundles nothing at run time; from the sources (development, tests) it is bundled on first
 * request, so it is never older than the code beside it.
 */
export function browserScript(page: BrowserPage): Promise<string> {
  let bundle = bundles.get(page);
  if (!bundle) {
    bundle = __filename.endsWith(".js")
      ? readFile(prebuiltScript(page), "utf8")
      : bundleBrowserScript(page);
    bundles.set(page, bundle);
  }
  return bundle;
}
