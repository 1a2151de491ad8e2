import type { Page } from "playwright-core";
import { exampleRecord, type HttpClient, type HttpAnswer } from "./http-client";

/** The rights holder the portal tests sign in as, as its notice form names it. */
export const LUMA = {
  id: "91310000MA1FL0XX1X",
  notifier: {
    "n-name": "Luma Footwear Co., Ltd.",
    "n-id": "91310000MA1FL0XX1X",
    "n-email": "ip@luma.example",
  },
};

/** Types into the portal's fields, each by its id, as a person would. */
export async function fillFields(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
}

/** The platform publishes a notice (art. 44): accepted only when it holds every element. */
export async function publishNotice(platform: HttpClient, noticeId: string): Promise<HttpAnswer> {
  const publish = await exampleRecord("action", [{ rel: "concerns", id: noticeId }]);
  Object.assign(publish.metadata as object, {
    type: "publish_notice",
    effectiveAt: new Date().toISOString(),
  });
  return platform.postRecord(publish);
}

/** A capture of the listing, as a holder uploads it with a notice. */
export const LISTING_CAPTURE = {
  name: "capture.png",
  buffer: Buffer.from("a capture of the listing"),
};

/** Attaches the evidence file (if any), gives the undertaking and submits: the notice's id. */
export async function submitNotice(
  page: Page,
  evidence?: { name: string; buffer: Buffer },
): Promise<string> {
  if (evidence) await page.setInputFiles("#n-file", { ...evidence, mimeType: "image/png" });
  await page.check("#n-true");
  await page.click('#notice-form button[type="submit"]');
  await page.waitForFunction(() => document.getElementById("notice-ok")!.dataset.record);
  return (await page.getAttribute("#notice-ok", "data-record"))!;
}
