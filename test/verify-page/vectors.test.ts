import { expect } from "chai";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { connectEmbedded } from "../../service/chain";
import { newDataDir, startTestNotary, type TestNotary } from "../support/notary";
import { launchChromium, verifyOnPage } from "../support/verify-page";

const VECTOR_SETS = ["v1", "v2"].map((set) => join(__dirname, "..", "vectors", set));

/** Every shared vector through the page in Chromium (a file of its own: it runs beside the rest). */
describe("the verification page over the shared vectors, in headless Chromium", function () {
  this.timeout(180_000);
  let notary: TestNotary;
  let browser: Browser;

  before(async () => {
    notary = await startTestNotary();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await notary?.stop();
  });

  for (const VECTORS of VECTOR_SETS)
    it(`gives every shared vector its expected verdict (${VECTORS.slice(-2)})`, async () => {
      const dir = await newDataDir();
      await cp(join(VECTORS, "chain"), dir, { recursive: true });
      const chain = await connectEmbedded({ dir, host: "127.0.0.1", port: 0 });
      // One page for the set, as a reader checking receipt after receipt keeps it open.
      const page = await browser.newPage({ locale: "zh-CN" });
      await page.goto(`${notary.url}/verify`);
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
          const result = await verifyOnPage(
            page,
            await readFile(join(folder, "receipt.json"), "utf8"),
            files,
            { rpcUrl: chain.rpcUrl! },
          );
          expect(result.verdict, `${name}: ${result.text}`).to.equal(expected.verdict);
          if (expected.step)
            expect(result.steps.find((s) => s.status === "fail")?.step, name).to.equal(
              expected.step,
            );
        }
      } finally {
        await page.close();
        await chain.close();
      }
    });
});
