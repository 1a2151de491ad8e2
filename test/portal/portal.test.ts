import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { exampleRecord, type HttpClient } from "../support/http-client";
import { clientWithKey, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { fillFields, LISTING_CAPTURE, LUMA, publishNotice, submitNotice } from "../support/portal";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HOLDER_ID = "91310000MA1FL0XX1X";

/** A key as a person types it into the page. */
const keyOf = (client: HttpClient) => client.apiKey!;

/** Visible controls whose boxes overlap without one holding the other. */
async function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = Array.from(
      document.querySelectorAll("label, input, select, textarea, button, h1, h2, th, td"),
    )
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0);
    const found: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
        const o =
          a.r.left < b.r.right - 0.5 &&
          b.r.left < a.r.right - 0.5 &&
          a.r.top < b.r.bottom - 0.5 &&
          b.r.top < a.r.bottom - 0.5;
        if (o) found.push(`${a.e.outerHTML.slice(0, 60)} / ${b.e.outerHTML.slice(0, 60)}`);
      }
    return found;
  });
}

describe("the parties' portal in headless Chromium", function () {
  this.timeout(120_000);
  let notary: TestNotary;
  let browser: Browser;
  let holder: HttpClient;
  let merchant: HttpClient;

  before(async () => {
    notary = await startTestNotary();
    holder = await clientWithKey(notary, {
      id: "luma",
      role: "rights_holder",
      parties: [HOLDER_ID],
    });
    merchant = await clientWithKey(notary, {
      id: "happy",
      role: "merchant",
      parties: ["shop:s-5521"],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu"],
    });
  });
  after(async () => {
    await browser?.close();
    await notary?.stop();
  });

  async function signIn(
    client: HttpClient,
    viewport = { width: 1100, height: 900 },
    locale = "zh-CN",
  ): Promise<Page> {
    const context = await browser.newContext({ viewport, locale });
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await context.newPage();
    await page.goto(`${notary.url}/portal`);
    await page.fill("#key", keyOf(client));
    await page.click('#signin-form button[type="submit"]');
    await page.waitForSelector("#app:not([hidden])");
    return page;
  }

  it("refuses a wrong key at sign-in and keeps no key in the URL", async () => {
    const page = await browser.newPage({ locale: "zh-CN" });
    await page.goto(`${notary.url}/portal`);
    await page.fill("#key", "not-a-key");
    await page.click('#signin-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById("signin-error")!.textContent !== "");
    // A sentence a person acts on; the code stays on the element, not in the text.
    expect(await page.textContent("#signin-error")).to.include("密钥无效");
    expect(await page.getAttribute("#signin-error", "data-code")).to.equal("AUTH_INVALID");
    expect(page.url()).not.to.include("key");
    await page.close();
  });

  it("lets a rights holder submit a notice with a file, see its case, and a merchant answer it", async () => {
    const page = await signIn(holder);
    expect(await page.isVisible("#notice-section")).to.equal(true);
    expect(await page.isVisible("#answer-section")).to.equal(false);
    // A refusal is shown next to the field it concerns: no name given.
    await page.click('#notice-form button[type="submit"]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-error="metadata.notifier.legalName"]')!.textContent !== "",
    );
    // In words, never the validator's text; and gone once the field is filled in.
    const complaint = '[data-error="metadata.notifier.legalName"]';
    expect(await page.textContent(complaint)).to.equal("必填");
    expect(await page.textContent("#notice-error")).not.to.match(/[A-Z_]{6,}|expected/);
    await page.fill("#n-name", "Luma Footwear Co., Ltd.");
    expect(await page.textContent(complaint)).to.equal("");
    await fillFields(page, {
      "n-id": HOLDER_ID,
      "n-reg": "30123456",
      "n-class": "25",
      "n-goods": "Footwear",
      "n-url": "https://shop.example.com/item/889123",
      "n-shop": "s-5521",
      "n-explanation": "The listing uses the LUMA mark on identical goods.",
    });
    const noticeId = await submitNotice(page, LISTING_CAPTURE);
    expect(await page.textContent("#notice-ok")).to.equal(`已提交，案件如下：${noticeId}`);
    await page.waitForSelector(`tr[data-case="${noticeId}"]`);
    // The form is cleared for the next notice, and the new case is shown.
    expect(await page.inputValue("#n-name")).to.equal("");
    expect(await page.isVisible("#n-progress")).to.equal(false);
    await page.waitForFunction(
      (id) => document.querySelector("#timeline-case code")?.textContent === id,
      noticeId,
    );
    // Anchored, as the API says, and the timeline shows the notice received.
    await waitAnchored(holder, noticeId);
    await page.click(`tr[data-case="${noticeId}"] button.view`);
    await page.waitForSelector('#timeline li[data-state="done"]');
    // In words, with Beijing times; never the step's code.
    const received = await page.textContent('#timeline li[data-step="notice received"]');
    expect(received).to.match(/^收到通知（已完成） \d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect(await page.textContent("#timeline"))
      .to.include("转送通知给商家（待办）")
      .and.include("截止");
    expect(await page.getAttribute("#case-status", "data-status")).to.equal("anchored");
    expect(await page.textContent("#case-status")).to.match(/^通知已上链存证（第 \d+ 批）$/);
    // The full id is copied whole by its button.
    await page.click(`tr[data-case="${noticeId}"] button.copy`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(noticeId);
    // The switch turns the page and what it drew to English, with no reload.
    await page.click('#lang button[data-language="en"]');
    expect(await page.textContent("#timeline")).to.include(
      "notice forwarded to the merchant (pending)",
    );
    expect(await page.textContent('#timeline li[data-step="notice received"]')).to.match(
      /^notice received \(done\) \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}$/,
    );
    expect(await page.textContent("#notice-section h2")).to.equal("Submit a notice");
    expect(await page.getAttribute(`tr[data-case="${noticeId}"] td`, "data-label")).to.equal(
      "Notice",
    );
    await page.click('#lang button[data-language="zh"]');
    // The right-type elements reached the record: the trademark's class and goods.
    const notice = (await holder.get(`/v1/records/${noticeId}`)).body as {
      record: { metadata: { right: { niceClass: number; goodsOrServices: string } } };
    };
    expect(notice.record.metadata.right).to.include({ niceClass: 25, goodsOrServices: "Footwear" });
    const [certificate] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#certificate"),
    ]);
    expect(certificate.suggestedFilename()).to.equal(`certificate-${noticeId}.pdf`);
    expect(await overlaps(page)).to.deep.equal([]);

    // The merchant's browser speaks English: the page does, from the first screen.
    const desk = await signIn(merchant, undefined, "en-US");
    expect(await desk.isVisible("#answer-section")).to.equal(true);
    expect(await desk.textContent("#answer-section h2")).to.equal("Answer a notice");
    expect(await desk.textContent('label[for="a-file"]')).to.include(
      "Evidence of non-infringement",
    );
    expect(await desk.textContent("#who")).to.include("(merchant)");
    await desk.selectOption("#a-notice", noticeId);
    // What the notice says of the listing is filled in: the merchant answers, not retypes.
    await desk.waitForFunction(
      () => (document.getElementById("a-url") as HTMLInputElement).value !== "",
    );
    expect(await desk.inputValue("#a-url")).to.equal("https://shop.example.com/item/889123");
    expect(await desk.textContent("#a-listing")).to.include("s-5521");
    await desk.fill("#a-name", "Happy Feet Trading Co., Ltd.");
    await desk.fill("#a-id", "91310115MA1HX0XX2Y");
    await desk.fill("#a-argument", "Genuine goods from an authorised distributor.");
    // The merchant's preliminary evidence of non-infringement, as art. 43 asks.
    await desk.setInputFiles("#a-file", {
      name: "授权书.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("an authorisation from the brand"),
    });
    await desk.click('#answer-form button[type="submit"]');
    await desk.waitForFunction(() => document.getElementById("answer-ok")!.textContent !== "");
    const declarationId = (await desk.getAttribute("#answer-ok", "data-record"))!;
    expect(await desk.textContent("#answer-ok")).to.equal(`Submitted: ${declarationId}`);
    const declaration = (await notary.client.get(`/v1/records/${declarationId}`)).body as {
      record: { links: { rel: string; id: string }[] };
    };
    const evidence = declaration.record.links.find((l) => l.rel === "evidence");
    expect(evidence, "the declaration links its evidence").to.not.equal(undefined);
    const evidenceRecord = (await notary.client.get(`/v1/records/${evidence!.id}`)).body as {
      record: { files: { name: string }[] };
    };
    expect(evidenceRecord.record.files.map((f) => f.name)).to.deep.equal(["授权书.pdf"]);
    expect(await desk.inputValue("#a-argument")).to.equal("");
    const answers = (await notary.client.get(`/v1/cases/${noticeId}`)).body as {
      steps: { step: string }[];
    };
    expect(answers.steps.map((s) => s.step)).to.include("declaration (counter-notice) received");
    // A refusal in English too, in a sentence.
    await desk.fill("#a-url", "not a link");
    await desk.fill("#a-argument", "Genuine goods.");
    await desk.click('#answer-form button[type="submit"]');
    await desk.waitForFunction(() => document.getElementById("answer-error")!.textContent !== "");
    expect(await desk.getAttribute("#answer-error", "data-code")).to.equal("URL_INVALID");
    expect(await desk.textContent("#answer-error")).to.equal(
      "The link is not a valid URL: it starts with https://.",
    );
  });

  it("sends a patent notice complete for art. 42: claims, a feature comparison, the evaluation report, the proof", async () => {
    const page = await signIn(holder);
    await page.selectOption("#n-right", "patent");
    await page.selectOption("#n-ptype", "utility_model");
    await fillFields(page, {
      ...LUMA.notifier,
      "n-reg": "ZL202320123456.7",
      "n-claims": "1. 一种鞋底，设有蜂窝状缓震结构",
      "n-claim-feature": "蜂窝状缓震结构",
      "n-product-feature": "商品详情页所示鞋底的蜂窝状结构",
      "n-url": "https://shop.example.com/item/889124",
      "n-shop": "s-5521",
    });
    const files = {
      proof: { name: "patent-certificate.pdf", buffer: Buffer.from("%PDF certificate") },
      report: { name: "evaluation-report.pdf", buffer: Buffer.from("%PDF report") },
    };
    await page.setInputFiles("#n-proof", { ...files.proof, mimeType: "application/pdf" });
    await page.setInputFiles("#n-report", { ...files.report, mimeType: "application/pdf" });
    const noticeId = await submitNotice(page, LISTING_CAPTURE);
    const { record, files: stored } = (await holder.get(`/v1/records/${noticeId}`)).body as {
      record: { metadata: { right: Record<string, unknown> } };
      files: { name: string }[];
    };
    expect(record.metadata.right).to.deep.include({
      type: "patent",
      patentType: "utility_model",
      proofFiles: ["patent-certificate.pdf"],
      evaluationReportFile: "evaluation-report.pdf",
      featureComparison: [
        { claimFeature: "蜂窝状缓震结构", productFeature: "商品详情页所示鞋底的蜂窝状结构" },
      ],
    });
    expect(stored.map((f) => f.name).sort()).to.deep.equal([
      "evaluation-report.pdf",
      "patent-certificate.pdf",
    ]);
    // Every element present: the platform may publish it.
    const published = await publishNotice(notary.client, noticeId);
    expect(published.status, JSON.stringify(published.body)).to.equal(201);
    await page.close();
  });

  it("fits a phone: nothing overlaps, nothing wider than the screen", async () => {
    const evidence = await holder.postRecord(await exampleRecord("evidence"));
    expect(evidence.status).to.equal(201);
    const page = await signIn(holder, { width: 360, height: 800 });
    await page.waitForSelector("#cases tr");
    expect(await overlaps(page)).to.deep.equal([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(360);
    // The cases stack, each value under its label across the screen, so no word is squeezed
    // into a narrow column.
    const cells = await page.$$eval("#cases td[data-label]", (tds) =>
      tds.map((td) => ({
        label: (td as HTMLElement).dataset.label,
        width: td.getBoundingClientRect().width,
      })),
    );
    expect(cells.length).to.be.greaterThan(0);
    for (const cell of cells) expect(cell.width, cell.label).to.be.greaterThan(250);
    // Times in Beijing time, as a person here reads them.
    expect(await page.textContent("#cases")).to.match(/\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  });
});
