import { expect } from "chai";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { WARCParser } from "warcio";
import {
  capturePage,
  CaptureError,
  type CaptureSettings,
} from "../../service/capture/browser-capture";
import { writeWarc } from "../../service/capture/warc";
import { startHttpsSite } from "../support/https-site";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// A PNG the page shows: 40×20 red, made here so the test needs no file of its own.
const IMAGE = (() => {
  const png = new PNG({ width: 40, height: 20 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([200, 20, 20, 255], i);
  return PNG.sync.write(png);
})();
const PAGE = `<!doctype html><html><head><title>Listing 889123</title>
<script src="/app.js"></script></head><body style="margin:0;background:#fff">
<h1>LUMA running shoe, listing 889123</h1><img src="/shoe.png" width="400" height="200">
<div style="height:2400px"></div><p id="end">end of listing</p></body></html>`;

describe("capturing a page in headless Chromium", function () {
  this.timeout(90_000);
  let server: Server;
  let origin: string;
  const hangs: (() => void)[] = [];
  const settings = (over: Partial<CaptureSettings> = {}): CaptureSettings => ({
    executablePath: CHROMIUM,
    policy: { allowPrivate: true },
    viewport: { width: 1280, height: 800 },
    timeoutMs: 30_000,
    maxBytes: 10 * 2 ** 20,
    ...over,
  });

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      if (req.url === "/old-listing") return res.writeHead(302, { location: "/" }).end();
      if (req.url === "/app.js")
        return res
          .writeHead(200, { "content-type": "text/javascript" })
          .end('document.addEventListener("DOMContentLoaded",()=>document.body.dataset.ran="yes")');
      if (req.url === "/shoe.png")
        return res.writeHead(200, { "content-type": "image/png" }).end(IMAGE);
      // A page that reloads itself, and one whose script spins for ever once it runs.
      if (req.url === "/reloads")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(
            `<!doctype html><title>reloads</title><h1>LUMA</h1><script>setInterval(()=>location.reload(),50)</script>`,
          );
      if (req.url === "/spins")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(`<!doctype html><title>spins</title><script>for(;;){}</script>`);
      // Headers, then nothing: a page that never finishes loading.
      if (req.url === "/hangs") {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<html><body>loading");
        hangs.push(() => res.destroy());
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    hangs.forEach((h) => h());
    server.close();
  });

  it("follows a redirect, fetches the page's image and script, and screenshots it twice", async () => {
    const result = await capturePage(`${origin}/old-listing`, settings());
    expect(result.finalUrl).to.equal(`${origin}/`);
    expect(result.title).to.equal("Listing 889123");
    expect(result.redirects).to.deep.equal([
      { url: `${origin}/old-listing`, status: 302 },
      { url: `${origin}/`, status: 200 },
    ]);
    expect(result.mainDocument).to.deep.include({ status: 200, remoteAddress: "127.0.0.1" });
    const fetched = result.exchanges.map((e) => new URL(e.url).pathname);
    expect(fetched).to.include.members(["/old-listing", "/", "/app.js", "/shoe.png"]);
    const image = result.exchanges.find((e) => e.url.endsWith("/shoe.png"))!;
    expect(image.body.equals(IMAGE)).to.equal(true);
    expect(result.browser.version).to.match(/^\d+\./);
    expect(result.browser.userAgent).to.include("Chrome/");
    expect(result.dns).to.deep.equal([{ host: "127.0.0.1", addresses: ["127.0.0.1"] }]);
    // Full page (taller than the viewport), and not blank: the red image is in it.
    for (const shot of [result.screenshots.load, result.screenshots.scrolled]) {
      const png = PNG.sync.read(shot);
      expect(png.width).to.equal(1280);
      expect(png.height).to.be.greaterThan(2400);
      let red = 0;
      for (let i = 0; i < png.data.length; i += 4)
        if (png.data[i]! > 180 && png.data[i + 1]! < 60 && png.data[i + 2]! < 60) red++;
      expect(red, "pixels of the page's image").to.be.greaterThan(40 * 20);
    }

    // The WARC holds every exchange, the page's own bytes among them, with digests that check.
    const dir = await mkdtemp(join(tmpdir(), "capture-"));
    const warc = join(dir, "page.warc.gz");
    await writeWarc(warc, result.exchanges, {
      software: "evidence-notary test",
      capturedAt: result.startedAt,
    });
    const records: { type: string; url?: string; payload: Buffer; digest?: string }[] = [];
    for await (const record of new WARCParser(createReadStream(warc))) {
      const payload = Buffer.from(await record.readFully(false));
      records.push({
        type: record.warcType!,
        url: record.warcTargetURI ?? undefined,
        payload,
        digest: record.warcPayloadDigest ?? undefined,
      });
      expect(record.warcHeaders.protocol).to.equal("WARC/1.1");
    }
    expect(records[0]!.type).to.equal("warcinfo");
    const page = records.find((r) => r.type === "response" && r.url === `${origin}/`)!;
    expect(page.payload.toString()).to.equal(PAGE);
    expect(page.digest).to.equal(`sha256:${createHash("sha256").update(PAGE).digest("hex")}`);
    expect(records.filter((r) => r.type === "request")).to.have.length(result.exchanges.length);
  });

  it("records an HTTPS site's certificate chain and protocol, trusting only the roots it is given", async () => {
    const site = await startHttpsSite((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<title>secure listing</title>ok"),
    );
    try {
      const result = await capturePage(`${site.origin}/`, settings({ ca: site.caPem }));
      expect(result.title).to.equal("secure listing");
      const tls = result.mainDocument.tls!;
      expect(tls.protocol).to.equal("TLSv1.3");
      expect(tls.authorized).to.equal(true);
      expect(tls.chain[0]!.subject).to.include("CN=shop.test");
      expect(tls.chain[0]!.issuer).to.include("CN=Test Capture CA");
      expect(tls.chain.at(-1)!.subject).to.include("CN=Test Capture CA");
      expect(tls.chain[0]!.sha256).to.match(/^[0-9a-f]{64}$/);
      // A chain to no root the capture trusts is not captured.
      const untrusted = await capturePage(`${site.origin}/`, settings()).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((untrusted as CaptureError).code).to.equal("CAPTURE_FETCH_FAILED");
      expect((untrusted as CaptureError).message).to.match(/certificate/i);
    } finally {
      site.close();
    }
  });

  it("refuses a loopback page unless private addresses are allowed, fetching nothing", async () => {
    const refused = await capturePage(
      `${origin}/`,
      settings({ policy: { allowPrivate: false } }),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(CaptureError);
    expect((refused as CaptureError).code).to.equal("CAPTURE_URL_NOT_PUBLIC");
  });

  /** A capture given 4 s: the code it failed with, and how long it took to fail. */
  const failAtLimit = async (path: string) => {
    const started = Date.now();
    const error = await capturePage(`${origin}${path}`, settings({ timeoutMs: 4_000 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { code: (error as CaptureError | undefined)?.code, ms: Date.now() - started };
  };

  it("fails a page that never finishes loading at the time limit, cleanly", async () => {
    const hung = await failAtLimit("/hangs");
    expect(hung.code).to.equal("CAPTURE_TIMEOUT");
    expect(hung.ms).to.be.below(15_000);
  });

  it("captures a page as it loaded, refusing its reloads, and fails one whose script never yields, at the limit", async () => {
    const result = await capturePage(`${origin}/reloads`, settings());
    expect(result.title).to.equal("reloads");
    expect(result.refused.length).to.be.greaterThan(0);
    expect(new Set(result.refused.map((r) => `${r.code} ${r.url}`))).to.deep.equal(
      new Set([`NAVIGATION_AFTER_LOAD ${origin}/reloads`]),
    );
    expect(result.exchanges.map((e) => e.url)).to.deep.equal([`${origin}/reloads`]);

    const spun = await failAtLimit("/spins");
    expect(spun.code).to.equal("CAPTURE_TIMEOUT");
    expect(spun.ms).to.be.below(15_000);
  });

  it("fails a page larger than its byte limit rather than keep part of it", async () => {
    const failed = await capturePage(
      `${origin}/`,
      settings({ maxBytes: Buffer.byteLength(PAGE) + 10 }),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failed as CaptureError).code).to.equal("CAPTURE_TOO_LARGE");
  });
});
