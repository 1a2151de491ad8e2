import { chromium, type Browser, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium as the page tests run it: nothing of its own on the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

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

export interface PageVerification {
  verdict: string;
  text: string;
  steps: { step: string; status: string; text: string }[];
}

/** Opens the verification page at `url`, gives it a receipt and files, verifies, and reads the result. */
export async function verifyInPage(
  browser: Browser,
  url: string,
  receiptJson: string,
  files: { name: string; buffer: Buffer }[],
  options: { rpcUrl?: string; locale?: string } = {},
): Promise<PageVerification> {
  const page = await browser.newPage({ locale: options.locale ?? "zh-CN" });
  try {
    await page.goto(url);
    return await verifyOnPage(page, receiptJson, files, options);
  } finally {
    await page.close();
  }
}

/**
 * The same on a page already open: each run supersedes the one before, so one page serves a
 * whole set of vectors without loading its script again for each.
 */
export async function verifyOnPage(
  page: Page,
  receiptJson: string,
  files: { name: string; buffer: Buffer }[],
  options: { rpcUrl?: string } = {},
): Promise<PageVerification> {
  await page.setInputFiles("#receipt", {
    name: "receipt.json",
    mimeType: "application/json",
    buffer: Buffer.from(receiptJson),
  });
  await page.setInputFiles(
    "#files",
    files.map((f) => ({ ...f, mimeType: "application/octet-stream" })),
  );
  if (options.rpcUrl) await page.fill("#rpc", options.rpcUrl);
  await page.click("#verify");
  const { verdict, text } = await verdictOf(page);
  const steps = await page.$$eval("#steps li", (items) =>
    items.map((li) => ({
      step: (li as HTMLElement).dataset.step!,
      status: (li as HTMLElement).dataset.status!,
      text: li.textContent ?? "",
    })),
  );
  return { verdict, text, steps };
}
