import type { Page } from "playwright-core";

/** Waits for the verification page's verdict and reads it: its code and its text. */
export async function verdictOf(page: Page): Promise<{ verdict: string; text: string }> {
  await page.waitForFunction(
    () =>
      ["valid", "invalid", "unverifiable", "error"].includes(
        document.getElementById("verdict")!.dataset.verdict ?? "",
      ),
    undefined,
    { timeout: 60_000 },
  );
  return {
    verdict: (await page.getAttribute("#verdict", "data-verdict")) ?? "",
    // The verdict's sentence and what it rests on, as a reader reads them.
    text: `${(await page.textContent("#verdict")) ?? ""} ${(await page.textContent("#verdict-detail")) ?? ""}`,
  };
}
