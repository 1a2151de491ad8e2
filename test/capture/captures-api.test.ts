import { expect } from "chai";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import { PNG } from "pngjs";
import { launchChromium, verdictOf } from "../support/verify-page";
import { fillFields, LUMA, publishNotice, submitNotice } from "../support/portal";
import { WARCParser } from "warcio";
import { referencedFileNames } from "../../service/records";
import { providerChainReader } from "../../service/chain-reader";
import { verifyReceipt } from "../../service/verify";
import { exampleRecord, type HttpClient } from "../support/http-client";
import {
  clientWithKey,
  newDataDir,
  startTestNotary,
  waitAnchored,
  type TestNotary,
} from "../support/notary";

const HOLDER_ID = "91310000MA1FL0XX1X";
const PAGE = `<!doctype html><html><head><title>LUMA shoe 889123</title></head>
<body style="margin:0"><h1 style="background:#c81414;color:#fff;height:300px">LUMA running shoe</h1></body></html>`;
const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

interface CaptureView {
  id: string;
  state: string;
  recordId?: string;
  error?: { code: string };
}

/** The sizes of the images a PDF holds, as `pdfimages -list` reads them ("1280x800"). */
async function pdfImageSizes(pdf: Buffer): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "capture-pdf-"));
  await writeFile(join(dir, "c.pdf"), pdf);
  const { stdout } = await promisify(execFile)("pdfimages", ["-list", join(dir, "c.pdf")]);
  return stdout
    .split("\n")
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).slice(3, 5).join("x"));
}

async function settled(client: HttpClient, id: string): Promise<CaptureView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = (await client.get(`/v1/captures/${id}`)).body as CaptureView;
    if (view.state === "notarised" || view.state === "failed") return view;
    if (Date.now() > deadline) throw new Error(`capture ${id} still ${view.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("web captures through the API (POST /v1/captures)", function () {
  this.timeout(120_000);
  let server: Server;
  let origin: string;
  let notary: TestNotary;
  let holder: HttpClient;
  const hung: (() => void)[] = [];

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/listing")
        return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      if (req.url === "/long")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(
            `<!doctype html><title>long</title><body>${Array.from({ length: 60 }, (_, i) => `<p style="height:60px;background:hsl(${i * 6},70%,60%)">row ${i}</p>`).join("")}</body>`,
          );
      // Pages that lead to the service itself: a redirect there, an image from there.
      if (req.url === "/to-service")
        return res.writeHead(302, { location: `${notary.url}/portal` }).end();
      if (req.url === "/embeds-service")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(`<!doctype html><title>embeds</title><img src="${notary.url}/v1/openapi.json">`);
      if (req.url === "/hangs") {
        res.writeHead(200, { "content-type": "text/html" }).write("<html>");
        hung.push(() => res.destroy());
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The test's pages are on loopback: allowed here, and only here.
    notary = await startTestNotary({
      CAPTURE_ALLOW_PRIVATE: "true",
      CAPTURE_TIMEOUT_MS: "20000",
      WEBHOOK_ALLOW_PRIVATE: "true",
    });
    holder = await clientWithKey(notary, {
      id: "luma",
      role: "rights_holder",
      parties: [HOLDER_ID],
    });
  });
  after(async () => {
    hung.forEach((h) => h());
    server.close();
    await notary?.stop();
  });

  it("captures a page and notarises what it recorded as one evidence record, every file's digest anchored", async () => {
    const asked = await holder.postJson("/v1/captures", {
      url: `${origin}/listing`,
      caseRef: "CASE-889123",
    });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(202);
    const done = await settled(holder, (asked.body as CaptureView).id);
    expect(done.state, JSON.stringify(done)).to.equal("notarised");
    const receipt = await waitAnchored(holder, done.recordId!);
    const record = receipt.record as unknown as {
      kind: string;
      metadata: {
        caseRef: string;
        collection: {
          method: string;
          collector: { name: string };
          environment: Record<string, string>;
        };
      };
      files: { name: string; sha256: string; size: number }[];
    };
    expect(record.kind).to.equal("evidence");
    expect(record.metadata.caseRef).to.equal("CASE-889123");
    // Written by the service, never the caller: the method, the collector, the browser.
    expect(record.metadata.collection.method).to.equal("service_capture");
    expect(record.metadata.collection.environment).to.deep.include({ url: `${origin}/listing` });
    // The environment is the service's browser: the site's address is no address of it, and
    // stands with the capture's facts (and in the WARC) instead.
    expect(record.metadata.collection.environment).to.not.have.property("ip");
    expect(record.metadata.collection.environment.toolVersion).to.match(/^\d+\./);
    expect(record.files.map((f) => f.name).sort()).to.deep.equal([
      "capture.json",
      "capture.wacz",
      "page.warc.gz",
      "screenshot-first-screen.png",
      "screenshot-load.png",
      "screenshot-scrolled.png",
    ]);
    const file = async (name: string) => {
      const f = record.files.find((x) => x.name === name)!;
      const { bytes } = await holder.getBytes(`/v1/records/${done.recordId}/files/${f.sha256}`);
      expect(sha256(bytes), name).to.equal(f.sha256);
      return bytes;
    };
    const facts = JSON.parse((await file("capture.json")).toString()) as {
      finalUrl: string;
      title: string;
      redirects: unknown[];
      mainDocument: { remoteAddress: string };
    };
    expect(facts).to.deep.include({ finalUrl: `${origin}/listing`, title: "LUMA shoe 889123" });
    expect(facts.mainDocument.remoteAddress).to.equal("127.0.0.1");
    let page: Buffer | undefined;
    for await (const r of new WARCParser([await file("page.warc.gz")]))
      if (r.warcType === "response" && r.warcTargetURI === `${origin}/listing`)
        page = Buffer.from(await r.readFully(false));
    expect(page?.toString()).to.equal(PAGE);
    // The certificate says how the page was obtained, from the capture's own file.
    const certificate = (await holder.get(`/v1/records/${done.recordId}/certificate?format=json`))
      .body as { sections: { en: string; fields: { en: string; value: string }[] }[] };
    const capture = certificate.sections.find(
      (x) => x.en === "Web capture (made by this service)",
    )!;
    const value = (en: string) => capture.fields.find((f) => f.en === en)!.value;
    expect(value("URL asked for")).to.equal(`${origin}/listing`);
    expect(value("Page title")).to.equal("LUMA shoe 889123");
    expect(value("Transport security")).to.include("not encrypted");
    expect(value("Captured")).to.match(/北京时间/);
    expect(value("Capture environment")).to.match(/^Chromium \(headless\) \d+\..*1280×800/);
    // Its PDF shows the page's first screen under that section, beside the QR code.
    const pdf = await holder.getBytes(`/v1/records/${done.recordId}/certificate?format=pdf`);
    expect(await pdfImageSizes(pdf.bytes)).to.include("1280x800");
    // The binder counts it in support of I2 (what goods show) and I13 (evidence before).
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const binder = (
      await notary.client.get(
        `/v1/reports/gbt39550?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      )
    ).body as { rows: { id: string; evidence: { facet: string; count: number }[] }[] };
    for (const row of ["I2", "I13"])
      expect(
        binder.rows
          .find((r) => r.id === row)!
          .evidence.find((e) => e.facet === "evidence.service_capture")?.count,
        row,
      ).to.be.at.least(1);
    // The WACZ opens as replay tools open it: every file its datapackage names, digest for
    // digest, the datapackage itself digested, the WARC the same as the record's, an index
    // line and a page for the listing.
    const dir = await mkdtemp(join(tmpdir(), "wacz-"));
    await writeFile(join(dir, "c.wacz"), await file("capture.wacz"));
    await promisify(execFile)("unzip", ["-q", join(dir, "c.wacz"), "-d", join(dir, "out")]);
    const inside = (path: string) => readFile(join(dir, "out", path));
    const datapackage = JSON.parse((await inside("datapackage.json")).toString()) as {
      wacz_version: string;
      resources: { path: string; hash: string; bytes: number }[];
    };
    expect(datapackage.wacz_version).to.equal("1.1.1");
    expect(datapackage.resources.map((r) => r.path).sort()).to.deep.equal([
      "archive/data.warc.gz",
      "archive/screenshots.warc.gz",
      "indexes/index.cdxj",
      "pages/pages.jsonl",
    ]);
    for (const r of datapackage.resources) {
      const bytes = await inside(r.path);
      expect(`sha256:${sha256(bytes)}`, r.path).to.equal(r.hash);
      expect(bytes.length, r.path).to.equal(r.bytes);
    }
    const digest = JSON.parse((await inside("datapackage-digest.json")).toString()) as {
      hash: string;
    };
    expect(digest.hash).to.equal(`sha256:${sha256(await inside("datapackage.json"))}`);
    expect((await inside("archive/data.warc.gz")).equals(await file("page.warc.gz"))).to.equal(
      true,
    );
    expect((await inside("indexes/index.cdxj")).toString()).to.match(
      /^[\d,]+:\d+\)\/listing \d{14} \{.*"status":"?200/m,
    );
    expect((await inside("pages/pages.jsonl")).toString()).to.include(`"url":"${origin}/listing"`);
    const shot = PNG.sync.read(await file("screenshot-load.png"));
    let red = 0;
    for (let i = 0; i < shot.data.length; i += 4)
      if (shot.data[i]! > 180 && shot.data[i + 1]! < 60) red++;
    expect(red, "the page's red heading in the screenshot").to.be.greaterThan(1280 * 200);
  });

  it("records the session as a video when asked to scroll, frames and all", async () => {
    const asked = await holder.postJson("/v1/captures", { url: `${origin}/long`, scroll: true });
    const done = await settled(holder, (asked.body as CaptureView).id);
    expect(done.state, JSON.stringify(done)).to.equal("notarised");
    const { record } = (await holder.get(`/v1/records/${done.recordId}`)).body as {
      record: { files: { name: string; sha256: string; mediaType: string }[] };
    };
    const video = record.files.find((f) => f.name === "recording.mp4")!;
    expect(video.mediaType).to.equal("video/mp4");
    const { bytes } = await holder.getBytes(`/v1/records/${done.recordId}/files/${video.sha256}`);
    expect(sha256(bytes)).to.equal(video.sha256);
    const dir = await mkdtemp(join(tmpdir(), "recording-"));
    await writeFile(join(dir, "r.mp4"), bytes);
    const { stdout } = await promisify(execFile)("ffprobe", [
      "-v",
      "error",
      "-count_frames",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,width,height,nb_read_frames",
      "-of",
      "json",
      join(dir, "r.mp4"),
    ]);
    const stream = (JSON.parse(stdout) as { streams: Record<string, unknown>[] }).streams[0]!;
    expect(stream.codec_name).to.equal("h264");
    // The viewport, less a scrollbar when the page shows one.
    expect(Number(stream.width)).to.be.within(1240, 1280);
    expect(Number(stream.height)).to.be.within(760, 800);
    // Scrolling a page four screens long paints a frame at each step at least.
    expect(Number(stream.nb_read_frames)).to.be.greaterThan(3);
    // The facts count the frames (the video shows the last one again, for its second); the
    // frames themselves are the video, not JSON beside it.
    const json = record.files.find((f) => f.name === "capture.json")!;
    const facts = (
      await holder.getBytes(`/v1/records/${done.recordId}/files/${json.sha256}`)
    ).bytes.toString();
    expect((JSON.parse(facts) as { recording: { frames: number } }).recording.frames + 1).to.equal(
      Number(stream.nb_read_frames),
    );
    expect(facts).to.not.match(/frame-\d|jpeg/);
    expect(facts.length).to.be.below(64 * 1024);
  });

  it("marks every file personal when asked: the requester's, withheld from the merchant, erasable with every proof intact", async () => {
    const asked = await holder.postJson("/v1/captures", {
      url: `${origin}/listing`,
      personal: true,
    });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(202);
    const done = await settled(holder, (asked.body as CaptureView).id);
    expect(done.state, JSON.stringify(done)).to.equal("notarised");
    const id = done.recordId!;
    const receipt = await waitAnchored(holder, id);
    const files = (
      receipt.record as unknown as {
        files: { name: string; sha256: string; personal?: boolean }[];
      }
    ).files;
    expect(files).to.have.length(6);
    expect(files.filter((f) => f.personal !== true).map((f) => f.name)).to.deep.equal([]);
    const certificateOf = async (client: HttpClient) => {
      const c = (await client.get(`/v1/records/${id}/certificate?format=json`)).body as {
        sections: { en: string; fields: { en: string; value: string }[] }[];
      };
      return Object.fromEntries(
        c.sections
          .find((x) => x.en === "Web capture (made by this service)")!
          .fields.map((f) => [f.en, f.value]),
      );
    };
    // The requester sees the capture as captured, first screen and all.
    expect((await certificateOf(holder))["Page title"]).to.equal("LUMA shoe 889123");
    const pdf = async (client: HttpClient) =>
      pdfImageSizes((await client.getBytes(`/v1/records/${id}/certificate?format=pdf`)).bytes);
    expect(await pdf(holder)).to.include("1280x800");

    // The merchant a notice citing it names reads the record, not its files.
    const notice = await exampleRecord("notice", [{ rel: "evidence", id }]);
    const proofs = referencedFileNames(notice as Parameters<typeof referencedFileNames>[0]);
    const posted = await holder.postRecord(
      notice,
      proofs.map((name) => ({ name, content: `${name} of the notice` })),
    );
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
    const merchant = await clientWithKey(notary, {
      id: "happy-feet",
      role: "merchant",
      parties: ["shop:s-5521"],
    });
    const shot = files.find((f) => f.name === "screenshot-load.png")!;
    const refused = await merchant.get(`/v1/records/${id}/files/${shot.sha256}`);
    expect([
      refused.status,
      (refused.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([403, "FILE_PERSONAL"]);
    const withheld = await certificateOf(merchant);
    expect(Object.keys(withheld)).to.deep.equal(["Capture details"]);
    expect(withheld["Capture details"]).to.include("holds personal data");
    expect(await pdf(merchant)).to.not.include("1280x800");

    // Another record holding the very bytes of the first screen, not personal: they stay in
    // the store after the erasure, and must still not be shown as this capture's.
    const first = files.find((f) => f.name === "screenshot-first-screen.png")!;
    const firstBytes = (await holder.getBytes(`/v1/records/${id}/files/${first.sha256}`)).bytes;
    const copy = await exampleRecord("evidence");
    const copied = await holder.postRecord(copy, [
      { name: "e.png", content: new Uint8Array(firstBytes) },
    ]);
    expect(copied.status, JSON.stringify(copied.body)).to.equal(201);

    // Erased (with nothing named: every personal file): the bytes go, the digests stay.
    const erased = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "the merchant, a natural person, asked",
      legalBasis: "PIPL art. 47",
    });
    expect(erased.status, JSON.stringify(erased.body)).to.equal(201);
    expect((erased.body as { files: unknown[] }).files).to.have.length(6);
    expect((erased.body as { filesHeldElsewhere: string[] }).filesHeldElsewhere).to.include(
      first.name,
    );
    const gone = await holder.get(`/v1/records/${id}/files/${shot.sha256}`);
    expect([gone.status, (gone.body as { error: { code: string } }).error.code]).to.deep.equal([
      410,
      "FILE_ERASED",
    ]);
    expect((await certificateOf(holder))["Capture details"]).to.include("erased as personal data");
    expect(await pdf(holder)).to.not.include("1280x800");
    // Whoever kept the WACZ still proves it: its digest is in the anchored record.
    const wacz = files.find((f) => f.name === "capture.wacz")!;
    const kept = await waitAnchored(holder, id);
    const verified = await verifyReceipt({
      receipt: kept,
      fileDigests: [wacz.sha256],
      chain: providerChainReader(notary.chain.provider),
    });
    expect(verified.verdict, JSON.stringify(verified.steps)).to.equal("valid");
  });

  it("tells the requester's webhook when the capture is done, and no other key's", async () => {
    const received: { type: string; data: CaptureView }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body) as { type: string; data: CaptureView });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const other = await clientWithKey(notary, {
      id: "someone-else",
      role: "rights_holder",
      parties: ["91310000MA1FL0XX9Z"],
    });
    try {
      for (const client of [holder, other])
        expect(
          (await client.postJson("/v1/webhooks", { url: hookUrl, events: ["capture.done"] }))
            .status,
        ).to.equal(201);
      const asked = await holder.postJson("/v1/captures", { url: `${origin}/listing` });
      const id = (asked.body as CaptureView).id;
      const done = await settled(holder, id);
      const deadline = Date.now() + 20_000;
      while (!received.some((e) => e.data.id === id) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_000));
      const told = received.filter((e) => e.data.id === id);
      // Once, to the requester's subscription only, with the record it was notarised as.
      expect(told).to.have.length(1);
      expect(told[0]!.type).to.equal("capture.done");
      expect(told[0]!.data).to.deep.include({ state: "notarised", recordId: done.recordId });
    } finally {
      receiver.close();
    }
  });

  it("keeps a queued capture across a restart, and runs it after", async () => {
    const dataDir = await newDataDir();
    const env = { CAPTURE_ALLOW_PRIVATE: "true", CAPTURE_TIMEOUT_MS: "60000" };
    const first = await startTestNotary(env, dataDir);
    let queued: string;
    try {
      // The one browser is held by a page that never loads; the second capture waits.
      const busy = await first.client.postJson("/v1/captures", { url: `${origin}/hangs` });
      expect(busy.status).to.equal(202);
      const asked = await first.client.postJson("/v1/captures", { url: `${origin}/listing` });
      queued = (asked.body as CaptureView).id;
      expect(
        ((await first.client.get(`/v1/captures/${queued}`)).body as CaptureView).state,
      ).to.equal("queued");
    } finally {
      await first.stop();
    }
    const second = await startTestNotary(env, dataDir);
    try {
      const done = await settled(second.client, queued);
      expect(done.state, JSON.stringify(done)).to.equal("notarised");
      expect((await second.client.get(`/v1/records/${done.recordId}`)).status).to.equal(200);
    } finally {
      await second.stop();
    }
  });

  it("never has the service fetch itself: a redirect there fails the capture, an image from there is refused", async () => {
    const redirected = await holder.postJson("/v1/captures", { url: `${origin}/to-service` });
    const failed = await settled(holder, (redirected.body as CaptureView).id);
    expect([failed.state, failed.error?.code]).to.deep.equal(["failed", "CAPTURE_URL_SELF"]);

    const embeds = await holder.postJson("/v1/captures", { url: `${origin}/embeds-service` });
    const done = await settled(holder, (embeds.body as CaptureView).id);
    expect(done.state, JSON.stringify(done)).to.equal("notarised");
    const receipt = await waitAnchored(holder, done.recordId!);
    const file = async (name: string) => {
      const f = receipt.record.files.find((x) => x.name === name)!;
      return (await holder.getBytes(`/v1/records/${done.recordId}/files/${f.sha256}`)).bytes;
    };
    const facts = JSON.parse((await file("capture.json")).toString()) as {
      refused: { url: string; code: string }[];
      exchanges: { url: string }[];
    };
    expect(facts.refused).to.deep.equal([{ url: `${notary.url}/v1/openapi.json`, code: "SELF" }]);
    expect(facts.exchanges.map((e) => e.url)).to.deep.equal([`${origin}/embeds-service`]);
    for await (const r of new WARCParser([await file("page.warc.gz")]))
      expect(r.warcTargetURI ?? "").to.not.include(notary.url);
  });

  it("fails a page that never loads, notarising nothing, and says why", async () => {
    const before = ((await notary.client.get("/v1/ledger")).body as { nextSeq: number }).nextSeq;
    const slow = await startTestNotary({
      CAPTURE_ALLOW_PRIVATE: "true",
      CAPTURE_TIMEOUT_MS: "3000",
    });
    try {
      const asked = await slow.client.postJson("/v1/captures", { url: `${origin}/hangs` });
      expect(asked.status).to.equal(202);
      const done = await settled(slow.client, (asked.body as CaptureView).id);
      expect(done).to.deep.include({ state: "failed" });
      expect(done.error!.code).to.equal("CAPTURE_TIMEOUT");
      expect(((await slow.client.get("/v1/ledger")).body as { nextSeq: number }).nextSeq).to.equal(
        0,
      );
    } finally {
      await slow.stop();
    }
    expect(((await notary.client.get("/v1/ledger")).body as { nextSeq: number }).nextSeq).to.equal(
      before,
    );
  });

  it("refuses a loopback page while private addresses are not allowed, and what is not http", async () => {
    const closed = await startTestNotary();
    try {
      const refused = await closed.client.postJson("/v1/captures", { url: `${origin}/listing` });
      expect(refused.status).to.equal(422);
      expect((refused.body as { error: { code: string } }).error.code).to.equal(
        "CAPTURE_URL_NOT_PUBLIC",
      );
      const ftp = await closed.client.postJson("/v1/captures", { url: "ftp://127.0.0.1/x" });
      expect((ftp.body as { error: { code: string } }).error.code).to.equal("CAPTURE_URL_INVALID");
      const self = await notary.client.postJson("/v1/captures", { url: `${notary.url}/portal` });
      expect((self.body as { error: { code: string } }).error.code).to.equal("CAPTURE_URL_SELF");
    } finally {
      await closed.stop();
    }
  });

  it("keeps service_capture for the service: a caller claiming it is refused", async () => {
    const claimed = (await exampleRecord("evidence")) as {
      metadata: { collection: { method: string } };
    };
    claimed.metadata.collection.method = "service_capture";
    const answer = await notary.client.postRecord(claimed as never, [
      { name: "capture.png", content: "a capture made elsewhere" },
    ]);
    expect(answer.status).to.equal(422);
    expect((answer.body as { error: { code: string } }).error.code).to.equal(
      "COLLECTION_METHOD_RESERVED",
    );
  });

  it("lets a rights holder capture a listing from the portal, follow it to its record and cite it in a complete notice", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({
        locale: "zh-CN",
        viewport: { width: 1100, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${notary.url}/portal`);
      await page.fill("#key", holder.apiKey!);
      await page.click('#signin-form button[type="submit"]');
      await page.waitForSelector("#capture-section:not([hidden])");
      // Not a URL: refused before anything runs, in a sentence, gone once corrected.
      await page.fill("#c-url", "listing 889123");
      await page.click('#capture-form button[type="submit"]');
      await page.waitForFunction(
        () => document.getElementById("capture-error")!.textContent !== "",
      );
      expect(await page.getAttribute("#capture-error", "data-code")).to.equal(
        "CAPTURE_URL_INVALID",
      );
      expect(await page.textContent("#capture-error")).to.equal(
        "网址须以 http:// 或 https:// 开头。",
      );
      // A host that does not resolve fails the capture, and says so.
      await page.fill("#c-url", "http://listing.invalid/889123");
      expect(await page.textContent("#capture-error")).to.equal("");
      await page.click('#capture-form button[type="submit"]');
      await page.waitForSelector('#capture-state[data-state="failed"]', { timeout: 60_000 });
      expect(await page.getAttribute("#capture-state", "data-code")).to.equal(
        "CAPTURE_URL_UNRESOLVED",
      );
      expect(await page.textContent("#capture-state")).to.equal("取证失败：该网址的域名无法解析。");
      await page.fill("#c-url", `${origin}/listing`);
      expect(await page.textContent("#capture-error")).to.equal("");
      // A sole trader's listing: its files are marked personal.
      await page.check("#c-personal");
      await page.click('#capture-form button[type="submit"]');
      await page.waitForSelector('#capture-state[data-state="notarised"]', { timeout: 60_000 });
      const recordId = (await page.getAttribute("#capture-state button.copy", "data-copy"))!;
      expect(await page.textContent("#capture-state")).to.include(
        `已取证并存证，证据记录：${recordId}`,
      );
      const { record } = (await holder.get(`/v1/records/${recordId}`)).body as {
        record: { metadata: { collection: { method: string } }; files: { personal?: boolean }[] };
      };
      expect(record.metadata.collection.method).to.equal("service_capture");
      expect(record.files.every((f) => f.personal === true)).to.equal(true);
      await page.click('#lang button[data-language="en"]');
      expect(await page.textContent("#capture-state")).to.include(
        `Captured and notarised as evidence record ${recordId}`,
      );
      expect(await page.textContent("#capture-section h2")).to.equal("Capture a listing");
      // Whoever holds the certificate checks the capture's WACZ on the verification page.
      const receipt = await waitAnchored(holder, recordId);
      const wacz = receipt.record.files.find((f) => f.name === "capture.wacz")!;
      const { bytes } = await holder.getBytes(`/v1/records/${recordId}/files/${wacz.sha256}`);
      const { verifyUrl } = (await holder.get(`/v1/records/${recordId}/certificate?format=json`))
        .body as { verifyUrl: string };
      const check = await context.newPage();
      await check.goto(verifyUrl);
      expect((await verdictOf(check)).verdict).to.equal("valid");
      await check.setInputFiles("#files", {
        name: "capture.wacz",
        mimeType: "application/zip",
        buffer: bytes,
      });
      await check.waitForFunction(
        () =>
          document.querySelector('#steps li[data-step="files"]')?.getAttribute("data-status") ===
          "pass",
      );
      expect(await check.textContent('#steps li[data-step="files"]')).to.include("capture.wacz");

      // The capture becomes a notice's preliminary evidence, and the proof of right its own
      // file: the notice the portal sends is complete (art. 42), so it can be published.
      await page.click("#cite-capture");
      expect(await page.inputValue("#n-url")).to.equal(`${origin}/listing`);
      expect(await page.getAttribute("#n-cited li", "data-record")).to.equal(recordId);
      await fillFields(page, {
        ...LUMA.notifier,
        "n-reg": "30123456",
        "n-class": "25",
        "n-goods": "Footwear",
        "n-shop": "s-5521",
      });
      const proof = Buffer.from("%PDF-1.4 trademark registration 30123456");
      await page.setInputFiles("#n-proof", {
        name: "registration-30123456.pdf",
        mimeType: "application/pdf",
        buffer: proof,
      });
      const noticeId = await submitNotice(page);
      expect(await page.isHidden("#n-cited")).to.equal(true);
      const notice = (await holder.get(`/v1/records/${noticeId}`)).body as {
        record: {
          links: { rel: string; id: string }[];
          metadata: { right: { proofFiles: string[] } };
        };
        files: { name: string; sha256: string }[];
      };
      expect(notice.record.links).to.deep.include({ rel: "evidence", id: recordId });
      expect(notice.record.metadata.right.proofFiles).to.deep.equal(["registration-30123456.pdf"]);
      expect(notice.files.map((f) => [f.name, f.sha256])).to.deep.equal([
        ["registration-30123456.pdf", sha256(proof)],
      ]);
      const published = await publishNotice(notary.client, noticeId);
      expect(published.status, JSON.stringify(published.body)).to.equal(201);
    } finally {
      await browser.close();
    }
  });

  it("shows a capture only to the key that asked for it (and the platform); a merchant asks for none", async () => {
    const asked = await holder.postJson("/v1/captures", { url: `${origin}/listing` });
    const id = (asked.body as CaptureView).id;
    const other = await clientWithKey(notary, {
      id: "other",
      role: "rights_holder",
      parties: ["91310000MA1FL0XX2Y"],
    });
    expect((await other.get(`/v1/captures/${id}`)).status).to.equal(404);
    expect((await notary.client.get(`/v1/captures/${id}`)).status).to.equal(200);
    const merchant = await clientWithKey(notary, {
      id: "m",
      role: "merchant",
      parties: ["shop:s-1"],
    });
    expect((await merchant.postJson("/v1/captures", { url: `${origin}/listing` })).status).to.equal(
      403,
    );
    await settled(holder, id);
  });
});
