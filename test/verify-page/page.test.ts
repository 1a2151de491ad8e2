import { expect } from "chai";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { connectEmbedded } from "../../service/chain";
import type { AnchoredReceipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { newDataDir, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

const VECTOR_SETS = ["v1", "v2"].map((set) => join(__dirname, "..", "vectors", set));

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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
    browser = await chromium.launch({
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
  });
  after(async () => {
    await browser?.close();
    await notary?.stop();
  });

  async function verifyInPage(
    receiptJson: string,
    files: { name: string; buffer: Buffer }[],
    rpcUrl?: string,
  ): Promise<{
    verdict: string;
    text: string;
    steps: { step: string; status: string; text: string }[];
  }> {
    const page: Page = await browser.newPage();
    try {
      await page.goto(`${notary.url}/verify?record=${receipt.record.id}`);
      await page.setInputFiles("#receipt", {
        name: "receipt.json",
        mimeType: "application/json",
        buffer: Buffer.from(receiptJson),
      });
      await page.setInputFiles(
        "#files",
        files.map((f) => ({ ...f, mimeType: "application/octet-stream" })),
      );
      if (rpcUrl) await page.fill("#rpc", rpcUrl);
      await page.click("#verify");
      await page.waitForFunction(
        () =>
          ["valid", "invalid", "unverifiable", "error"].includes(
            document.getElementById("verdict")!.dataset.verdict ?? "",
          ),
        undefined,
        { timeout: 60_000 },
      );
      const verdict = await page.getAttribute("#verdict", "data-verdict");
      const steps = await page.$$eval("#steps li", (items) =>
        items.map((li) => ({
          step: (li as HTMLElement).dataset.step!,
          status: (li as HTMLElement).dataset.status!,
          text: li.textContent ?? "",
        })),
      );
      return { verdict: verdict ?? "", text: (await page.textContent("#verdict")) ?? "", steps };
    } finally {
      await page.close();
    }
  }

  it("passes a genuine receipt with its file, in Chinese and English", async () => {
    const result = await verifyInPage(JSON.stringify(receipt), [
      { name: "b.txt", buffer: content },
    ]);
    expect(result.verdict, result.text).to.equal("valid");
    expect(result.steps.filter((s) => s.status === "pass")).to.have.length(8);
    expect(result.text).to.include("有效 VALID");
    expect(result.text).to.include(`seq ${receipt.record.seq}`);
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
    expect(result.steps.map((s) => s.text).join("\n")).to.include("the file is empty");
  });

  it("reports a truncated receipt as a format failure, not a crash", async () => {
    const result = await verifyInPage(JSON.stringify(receipt).slice(0, 120), []);
    expect(result.verdict).to.equal("invalid");
    expect(result.steps.find((s) => s.status === "fail")?.step).to.equal("format");
  });

  for (const VECTORS of VECTOR_SETS)
    it(`gives every shared vector its expected verdict (${VECTORS.slice(-2)})`, async () => {
      const dir = await newDataDir();
      await cp(join(VECTORS, "chain"), dir, { recursive: true });
      const chain = await connectEmbedded({ dir, host: "127.0.0.1", port: 0 });
      try {
        for (const name of (await readdir(VECTORS, { withFileTypes: true }))
          .filter((d) => d.isDirectory() && d.name !== "chain")
          .map((d) => d.name)) {
          const folder = join(VECTORS, name);
          const expected = JSON.parse(await readFile(join(folder, "expected.json"), "utf8")) as {
            verdict: string;
            step?: string;
          };
          const files = await Promise.all(
            (await readdir(join(folder, "files"))).map(async (f) => ({
              name: f,
              buffer: await readFile(join(folder, "files", f)),
            })),
          );
          const result = await verifyInPage(
            await readFile(join(folder, "receipt.json"), "utf8"),
            files,
            chain.rpcUrl!,
          );
          expect(result.verdict, `${name}: ${result.text}`).to.equal(expected.verdict);
          if (expected.step)
            expect(result.steps.find((s) => s.status === "fail")?.step, name).to.equal(
              expected.step,
            );
        }
      } finally {
        await chain.close();
      }
    });
});
