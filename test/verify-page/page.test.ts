import { expect } from "chai";
import type { Browser } from "playwright-core";
import type { AnchoredReceipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import {
  launchChromium,
  verdictOf,
  verifyInPage as verifyPage,
  type PageVerification,
} from "../support/verify-page";

describe("the public verification page in headless Chromium", function () {
  this.timeout(120_000);
  let notary: TestNotary;
  let browser: Browser;
  let receipt: AnchoredReceipt;
  const content = Buffer.from("evidence checked in a browser 浏览器");

  before(async () => {
    notary = await startTestNotary();
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "b.txt", content: new Uint8Array(content) },
    ]);
    receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await notary?.stop();
  });

  const verifyInPage = (
    receiptJson: string,
    files: { name: string; buffer: Buffer }[],
    rpcUrl?: string,
    locale = "zh-CN",
  ): Promise<PageVerification> =>
    verifyPage(browser, `${notary.url}/verify?record=${receipt.record.id}`, receiptJson, files, {
      ...(rpcUrl && { rpcUrl }),
      locale,
    });

  it("passes a genuine receipt with its file, in the browser's language: Chinese, or English", async () => {
    const chinese = await verifyInPage(JSON.stringify(receipt), [
      { name: "b.txt", buffer: content },
    ]);
    expect(chinese.verdict, chinese.text).to.equal("valid");
    expect(chinese.steps.filter((s) => s.status === "pass")).to.have.length(9);
    expect(chinese.steps.find((s) => s.step === "disclosures")?.text).to.match(
      /✓ 个人信息披露: .*disclosure\(s\) match/,
    );
    expect(chinese.text).to.include(`有效：由`).and.include(`记录序号 ${receipt.record.seq}`);
    const english = await verifyInPage(
      JSON.stringify(receipt),
      [{ name: "b.txt", buffer: content }],
      undefined,
      "en-GB",
    );
    expect(english.verdict, english.text).to.equal("valid");
    expect(english.text).to.match(/This record has not been altered since \d{4}-\d{2}-\d{2}/);
    expect(english.text).to.include(`record seq ${receipt.record.seq}`);
    expect(english.steps.find((s) => s.step === "disclosures")?.text).to.match(
      /^✓ Personal data disclosed: /,
    );
    // Not a character of Chinese among the English page's own words (values aside).
    expect(english.text).not.to.match(/[\u4e00-\u9fff]/);
  });

  it("fails a tampered receipt at the record hash check", async () => {
    const tampered = structuredClone(receipt);
    tampered.record.receivedAt = "2020-01-01T00:00:00.000Z";
    const result = await verifyInPage(JSON.stringify(tampered), [
      { name: "b.txt", buffer: content },
    ]);
    expect(result.verdict).to.equal("invalid");
    expect(result.steps.find((s) => s.status === "fail")?.step).to.equal("leaf");
  });

  it("fails a wrong file at the files check, and says plainly when a file is empty", async () => {
    const result = await verifyInPage(JSON.stringify(receipt), [
      { name: "empty.txt", buffer: Buffer.alloc(0) },
    ]);
    expect(result.verdict).to.equal("invalid");
    expect(result.steps.find((s) => s.status === "fail")).to.include({ step: "files" });
    expect(result.steps.map((s) => s.text).join("\n")).to.include("empty.txt：文件为空");
  });

  it("runs every check that needs no chain when the chain cannot be reached, and says which did not", async () => {
    // A loopback port nothing listens on.
    const result = await verifyInPage(
      JSON.stringify(receipt),
      [{ name: "b.txt", buffer: content }],
      "http://127.0.0.1:9/",
    );
    expect(result.verdict).to.equal("unverifiable");
    const passed = result.steps.filter((s) => s.status === "pass").map((s) => s.step);
    expect(passed).to.include.members(["format", "files", "leaf", "inclusion", "signature"]);
    expect(result.text).to.include("链无法访问");
    expect(result.text).to.include("链上批次");
  });

  it("reports a truncated receipt as a format failure, not a crash", async () => {
    const result = await verifyInPage(JSON.stringify(receipt).slice(0, 120), []);
    expect(result.verdict).to.equal("invalid");
    expect(result.steps.find((s) => s.status === "fail")?.step).to.equal("format");
  });

  it("looks a certificate up from its QR link and verifies it at once, then checks the file dropped", async () => {
    const certificate = (
      await notary.client.get(`/v1/records/${receipt.record.id}/certificate?format=json`)
    ).body as { verifyUrl: string };
    expect(certificate.verifyUrl).to.match(/\/verify\?certificate=EN-\d{8}-[0-9A-F]{8}&code=/);
    const page = await browser.newPage({ locale: "zh-CN" });
    try {
      await page.goto(certificate.verifyUrl);
      const looked = await verdictOf(page);
      expect(looked.verdict, looked.text).to.equal("valid");
      expect(await page.textContent("#record")).to.include("EN-");
      // The public sees the record as committed: what is public, and how much stays hidden.
      const lines = await page.$$eval("#record-fields tr", (rows) =>
        rows.map((r) => ({
          field: r.querySelector("th")!.textContent,
          value: r.querySelector("td")!.textContent,
          hidden: (r as HTMLElement).dataset.hidden === "true",
        })),
      );
      expect(lines.filter((l) => !l.hidden).map((l) => l.field)).to.include(
        "collection.environment.url",
      );
      expect(lines.filter((l) => l.hidden).map((l) => l.field)).to.include(
        "collection.environment",
      );
      expect(lines.find((l) => l.hidden)!.value).to.match(/已隐去 hidden/);
      // The verdict comes first, above the forms, in words and in Beijing time; it says the
      // files are not checked yet and invites them.
      expect(looked.text).to.match(/此存证自 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 北京时间/);
      expect(looked.text).to.include("文件尚未核对");
      const top = (selector: string) => page.$eval(selector, (e) => e.getBoundingClientRect().top);
      expect(await top("#verdict")).to.be.below(await top("#lookup-section"));
      expect(await page.isVisible("#drop")).to.equal(true);
      // Choosing the file re-checks at once: no button to find.
      await page.evaluate(() => (document.getElementById("verdict")!.dataset.verdict = ""));
      await page.setInputFiles("#files", {
        name: "b.txt",
        mimeType: "text/plain",
        buffer: content,
      });
      const withFile = await verdictOf(page);
      expect(withFile.verdict, withFile.text).to.equal("valid");
      expect(withFile.text).to.include("文件与记录一致");
      const files = await page.$eval(
        '#steps li[data-step="files"]',
        (li) => (li as HTMLElement).dataset.status,
      );
      expect(files).to.equal("pass");
      expect(await page.isVisible("#drop")).to.equal(false);
      // The switch redraws what is shown, with no new run, and is remembered on this browser.
      await page.click('#lang button[data-language="en"]');
      expect(await page.textContent("#verdict")).to.match(/^✓ This record has not been altered/);
      expect(await page.textContent("h1")).to.equal("Evidence verification");
      expect(await page.getAttribute("html", "lang")).to.equal("en");
      await page.reload();
      expect((await verdictOf(page)).text).to.include("The record is proven, but its files");
    } finally {
      await page.close();
    }
  });

  it("says a wrong code does not match, the same as for a number that does not exist", async () => {
    const texts: string[] = [];
    for (const query of [
      `certificate=${receipt.record.id.slice(0, 4)}&code=AAAA-AAAA-AAAA-AAAA`,
      `certificate=EN-99999999-ABCDEF01&code=AAAA-AAAA-AAAA-AAAA`,
    ]) {
      const page = await browser.newPage({ locale: "zh-CN" });
      try {
        await page.goto(`${notary.url}/verify?${query}`);
        const result = await verdictOf(page);
        expect(result.verdict).to.equal("error");
        expect(await page.getAttribute("#verdict", "data-code")).to.equal(
          "CERTIFICATE_LOOKUP_FAILED",
        );
        texts.push(result.text);
      } finally {
        await page.close();
      }
    }
    // A sentence the reader acts on, never the bare code; the same for both.
    expect(texts[0]).to.include("证书编号或验证码不正确").and.not.include("CERTIFICATE_LOOKUP");
    expect(texts[1]).to.equal(texts[0]);
  });

  it("fits a phone's screen: nothing wider than the viewport, no control over another", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    // Loads clean: no Content Security Policy violation, no missing icon, nothing in the console.
    const complaints: string[] = [];
    page.on("console", (m) => m.type() === "error" && complaints.push(m.text()));
    try {
      await page.goto(`${notary.url}/verify`);
      await page.waitForLoadState("networkidle");
      expect(complaints).to.deep.equal([]);
      const { scrollWidth, boxes } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        boxes: Array.from(document.querySelectorAll("label, input, button, h1, h2, p"))
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0 && r.height > 0)
          .map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })),
      }));
      expect(scrollWidth).to.be.at.most(360);
      const inside = (a: (typeof boxes)[0], b: (typeof boxes)[0]) =>
        a.x >= b.x - 0.5 &&
        a.y >= b.y - 0.5 &&
        a.x + a.w <= b.x + b.w + 0.5 &&
        a.y + a.h <= b.y + b.h + 0.5;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap =
            a.x < b.x + b.w - 0.5 &&
            b.x < a.x + a.w - 0.5 &&
            a.y < b.y + b.h - 0.5 &&
            b.y < a.y + a.h - 0.5;
          // A checkbox sits inside its label: nesting is layout, not overlap.
          if (overlap) expect(inside(a, b) || inside(b, a), JSON.stringify([a, b])).to.equal(true);
        }
    } finally {
      await page.close();
    }
  });
});
