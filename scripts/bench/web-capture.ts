/**
 * What a web capture costs: a 5 MB page (200 KiB of HTML and five images of about 1 MiB that
 * do not compress) served on loopback, captured in headless Chromium and packaged as the service
 * packages it (WARC, screenshots, WACZ, and with `scroll` the screen recording), end to end.
 * Peak memory is this process's, which holds the exchanges; the browser's is its own.
 */
import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { PNG } from "pngjs";
import { CaptureDesk, type CaptureView } from "../../service/capture";
import type { ApiKey } from "../../service/keys";
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
      let stored = 0;
      let start = process.hrtime.bigint();
      const done = new Promise<CaptureView>((resolve) => {
        const desk = new CaptureDesk({
          settings: {
            executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
            policy: { allowPrivate: true },
            viewport: { width: 1280, height: 800 },
            timeoutMs: 120_000,
            maxBytes: 64 * 2 ** 20,
          },
          concurrency: 1,
          maxQueued: 1,
          tempDir: tmpdir(),
          ffmpeg: "/usr/bin/ffmpeg",
          collector: "bench",
          notarise: async (_record, artifacts) => {
            for (const a of artifacts) stored += (await stat(a.path)).size;
            return { id: "bench" };
          },
          onDone: resolve,
        });
        start = process.hrtime.bigint();
        desk.request({ url, scroll }, { id: "bench", role: "rights_holder" } as ApiKey);
      });
      const view = await done;
      if (view.state !== "notarised")
        throw new Error(`capture failed: ${JSON.stringify(view.error)}`);
      const name = `web capture of a ${mebibytes(pageBytes)} page${scroll ? ", scrolled and recorded" : ""}`;
      report({
        case: name,
        metric: "capture to files ready (ms)",
        value: millis(start).toFixed(0),
      });
      report({
        case: name,
        metric: "files notarised (WARC, WACZ, shots…)",
        value: mebibytes(stored),
      });
      report({ case: name, metric: "service process peak RSS", value: mebibytes(peakRss()) });
    }
  } finally {
    server.close();
  }
});
