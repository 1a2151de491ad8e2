/**
 * Bundles the verification page's script into dist/verify-page/app.js (part of `npm run
 * build`), so a built service serves it without bundling anything at run time.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { bundleVerifyPageScript, PREBUILT_PAGE_SCRIPT } from "../service/verify-page/page";

async function main(): Promise<void> {
  await mkdir(dirname(PREBUILT_PAGE_SCRIPT), { recursive: true });
  await writeFile(PREBUILT_PAGE_SCRIPT, await bundleVerifyPageScript());
  console.log(`wrote ${PREBUILT_PAGE_SCRIPT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
