/**
 * What a web capture costs: a 5 MB page (200 KiB of HTML and five images of about 1 MiB that
 * do not compress) served on loopback, captured in headless Chromium and packaged as the service
 * packages it (WARC, screenshots, WACZ, and with `scroll` the screen recording), end to end.
 * Peak memory is this process's, which holds the exchanges; the browser's is its own.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { capturePage, packageCapture } from "../../service/capture";
import { runBenchmark } from "./harness";
import { mebibytes, millis, peakRss, report } from "./report";

const IMAGES = 5;

function noise(): Buffer {
  const png = new PNG({ width: 500, height: 500 });
  png.data.set(randomBytes(png.data.length));
  return PNG.sync.write(png);
}

runBenchmark(async () => {
  const images = Array.from({ length: IMAGES }, noise);
  const paragraph = `<p>${"LUMA running shoe, listing 889123. ".repeat(28)}</p>\n`;
  const html = `<!doctype html><title>5 MB listing</title><body>${images
    .map((_, i) => `<img src="/img-${i}.png" width="500" height="500">`)
    .join("")}${paragraph.repeat(Math.ceil((200 * 2 ** 10) / paragraph.length))}</body>`;
  const server = createServer((req, res) => {
    const image = /^\/img-(\d)\.png$/.exec(req.url ?? "");
    if (image)
      return res.writeHead(200, { "content-type": "image/png" }).end(images[Number(image[1])]);
    res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const pageBytes = Buffer.byteLength(html) + images.reduce((n, i) => n + i.length, 0);
  try {
    for (const scroll of [false, true]) {
      const dir = await mkdtemp(join(tmpdir(), "bench-capture-"));
      try {
        const start = process.hrtime.bigint();
        const result = await capturePage(
          url,
          {
            executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
            policy: { allowPrivate: true },
            viewport: { width: 1280, height: 800 },
            timeoutMs: 120_000,
            maxBytes: 64 * 2 ** 20,
          },
          scroll ? { recordTo: join(dir, "frames") } : {},
        );
        const artifacts = await packageCapture(dir, result, { ffmpeg: "/usr/bin/ffmpeg" });
        const ms = millis(start);
        let stored = 0;
        let wacz = 0;
        for (const a of artifacts) {
          const { size } = await stat(a.path);
          stored += size;
          if (a.name === "capture.wacz") wacz += size;
        }
        const name = `web capture of a ${mebibytes(pageBytes)} page${scroll ? ", scrolled and recorded" : ""}`;
        report({ case: name, metric: "capture to files ready (ms)", value: ms.toFixed(0) });
        report({
          case: name,
          metric: "files notarised (WARC, WACZ, shots…)",
          value: mebibytes(stored),
        });
        report({
          case: name,
          metric: "of which the WACZ (the WARC and full shots again)",
          value: mebibytes(wacz),
        });
        report({ case: name, metric: "service process peak RSS", value: mebibytes(peakRss()) });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    server.close();
  }
});
