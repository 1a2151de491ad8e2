/**
 * Bundles the browser pages' scripts (the verification page, the portal) into dist/<page>/app.js
 * (part of `npm run build`), so a built service serves them without bundling at run time.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { BROWSER_PAGES, bundleBrowserScript, prebuiltScript } from "../service/browser-bundle";

async function main(): Promise<void> {
  for (const page of BROWSER_PAGES) {
    const file = prebuiltScript(page);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await bundleBrowserScript(page));
    console.log(`wrote ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
