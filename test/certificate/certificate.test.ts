import { expect } from "chai";
import { get as httpGet } from "node:http";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Ajv2020 from "ajv/dist/2020";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Certificate } from "../../service/certificate";
import type { AnchoredReceipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

const run = promisify(execFile);

describe("evidence certificate (存证证书)", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let receipt: AnchoredReceipt;

  before(async () => {
    notary = await startTestNotary({
      PUBLIC_URL: "https://notary.example.com",
      ISSUER_NAME: "示例电商平台 Example Mall",
    });
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "截图.png", content: new Uint8Array([1, 2, 3]), type: "image/png" },
    ]);
    receipt = await waitAnchored(notary.client, (answer.body as { id: string }).id);
  });
  after(async () => notary?.stop());

  /** The link printed and in the QR code: the certificate's number and its verification code. */
  let verifyUrl = () => "";
  before(async () => {
    const data = (
      await notary.client.get(`/v1/records/${receipt.record.id}/certificate?format=json`)
    ).body as Certificate;
    const code = data.sections
      .flatMap((section) => section.fields)
      .find((f) => f.en.startsWith("Verification code"))!.value;
    expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    verifyUrl = () => `https://notary.example.com/verify?certificate=${data.number}&code=${code}`;
  });
  const mustShow = () => [
    receipt.record.id,
    String(receipt.record.seq),
    receipt.record.submitter.name,
    "截图.png",
    "image/png",
    receipt.record.files[0]!.sha256,
    receipt.leafHash,
    receipt.anchor.contract,
    receipt.anchor.txHash,
    String(receipt.anchor.blockNumber),
    receipt.anchor.blockHash,
    receipt.intake.operator,
    receipt.intake.signature,
    "存证证书",
    "Evidence certificate",
    "SHA-256",
    "RFC 9162",
    "示例电商平台 Example Mall",
    // The collector's identity number, masked; times in Beijing time and UTC.
    "1101**********1234",
    "北京时间 Beijing",
    "Screen capture of listing 889123",
    "CASE-2026-0042",
  ];
  /** What a certificate must never print in full. */
  const FULL_ID = "110101199001011234";

  it("prints every field as HTML, in Chinese and English, with the verification link", async () => {
    const { status, body, headers } = await notary.client.get(
      `/v1/records/${receipt.record.id}/certificate`,
    );
    expect(status).to.equal(200);
    expect(headers.get("content-type")).to.match(/^text\/html/);
    for (const text of [...mustShow(), verifyUrl().replaceAll("&", "&#38;"), "<svg"])
      expect(body as string).to.include(text);
    expect(body as string).not.to.include(FULL_ID);
  });

  it("gives the same data as JSON, valid against its published schema", async () => {
    const { status, body } = await notary.client.get(
      `/v1/records/${receipt.record.id}/certificate?format=json`,
    );
    expect(status).to.equal(200);
    const schema = JSON.parse(
      await readFile("service/certificate/evidence-certificate-v1.schema.json", "utf8"),
    ) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
    const data = body as Certificate;
    expect([data.format, data.recordId, data.verifyUrl]).to.deep.equal([
      "evidence-certificate/v1",
      receipt.record.id,
      verifyUrl(),
    ]);
    const printed = JSON.stringify(data);
    const titles = ["存证证书", "Evidence certificate"]; // the page's, not the data's
    for (const text of mustShow().filter((t) => !titles.includes(t)))
      expect(printed).to.include(text);
    expect(validate({ ...data, format: "evidence-certificate/v2" })).to.equal(false);
  });

  it("renders a PDF whose text holds every field and whose QR code opens the verification page", async () => {
    const { status, bytes, headers } = await notary.client.getBytes(
      `/v1/records/${receipt.record.id}/certificate?format=pdf`,
    );
    expect(status).to.equal(200);
    expect(headers.get("content-type")).to.equal("application/pdf");
    const dir = await mkdtemp(join(tmpdir(), "certificate-"));
    const pdf = join(dir, "c.pdf");
    await writeFile(pdf, bytes);
    // pdftotext wraps long lines: compare without white space.
    const text = (await run("pdftotext", [pdf, "-"])).stdout.replace(/\s+/g, "");
    for (const field of mustShow()) expect(text, field).to.include(field.replace(/\s+/g, ""));
    expect(text).not.to.include(FULL_ID);

    await run("pdftoppm", ["-png", "-r", "150", "-f", "1", "-l", "1", pdf, join(dir, "page")]);
    const png = PNG.sync.read(await readFile(join(dir, "page-1.png")));
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).to.equal(verifyUrl());
  });

  it("lays the PDF out on A4 with page numbers, no text over the QR code or over other text", async () => {
    const { bytes } = await notary.client.getBytes(
      `/v1/records/${receipt.record.id}/certificate?format=pdf`,
    );
    const dir = await mkdtemp(join(tmpdir(), "certificate-layout-"));
    const pdf = join(dir, "c.pdf");
    await writeFile(pdf, bytes);
    const info = (await run("pdfinfo", [pdf])).stdout;
    expect(info).to.match(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    // The QR code's box, found where a reader finds it: decoding the rendered page (150 dpi).
    await run("pdftoppm", ["-png", "-r", "150", "-f", "1", "-l", "1", pdf, join(dir, "page")]);
    const png = PNG.sync.read(await readFile(join(dir, "page-1.png")));
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)!.location;
    const toPt = (px: number) => (px * 72) / 150;
    const corners = [
      qr.topLeftCorner,
      qr.topRightCorner,
      qr.bottomLeftCorner,
      qr.bottomRightCorner,
    ];
    // The finder patterns' corners lie inside the code: widen by a module's worth (4 pt).
    const qrBox = {
      xMin: toPt(Math.min(...corners.map((c) => c.x))) - 4,
      xMax: toPt(Math.max(...corners.map((c) => c.x))) + 4,
      yMin: toPt(Math.min(...corners.map((c) => c.y))) - 4,
      yMax: toPt(Math.max(...corners.map((c) => c.y))) + 4,
    };
    const boxes = await textLines(pdf);
    const first = boxes.filter((b) => b.page === 1);
    expect(first.length).to.be.greaterThan(20);
    type Rect = Pick<Box, "xMin" | "yMin" | "xMax" | "yMax">;
    const overlaps = (a: Rect, b: Rect) =>
      a.xMin < b.xMax - 0.5 &&
      b.xMin < a.xMax - 0.5 &&
      a.yMin < b.yMax - 0.5 &&
      b.yMin < a.yMax - 0.5;
    for (const line of first)
      expect(overlaps(line, qrBox), `"${line.text}" over the QR code`).to.equal(false);
    for (const page of new Set(boxes.map((b) => b.page))) {
      const lines = boxes.filter((b) => b.page === page);
      for (let i = 0; i < lines.length; i++)
        for (let j = i + 1; j < lines.length; j++)
          expect(
            overlaps(lines[i]!, lines[j]!),
            `"${lines[i]!.text}" over "${lines[j]!.text}"`,
          ).to.equal(false);
    }
    for (let n = 1; n <= pages; n++)
      expect(
        boxes.some((b) => b.page === n && b.text === `${n} / ${pages}`),
        `page number ${n}`,
      ).to.equal(true);
    // The certificate number and the verification code stand whole on a line wherever printed:
    // in the link and in the record's fields.
    const url = new URL(verifyUrl());
    for (const token of [url.searchParams.get("certificate")!, url.searchParams.get("code")!]) {
      const head = token.slice(0, 9);
      const starts = boxes.filter((b) => b.text.includes(head));
      expect(starts.length, `${token} printed`).to.be.at.least(2);
      for (const b of starts) expect(b.text, `${token} cut`).to.include(token);
    }
    // Hex values wrap between groups of eight, never leaving a stub of a few characters.
    for (const line of boxes.map((b) => b.text))
      for (const group of line.match(/\b(?:0x)?[0-9a-f]{1,}\b/g) ?? [])
        if (line.split(/\s+/).every((w) => /^(0x)?[0-9a-f]+$/.test(w)) && line.length > 20)
          expect(group.replace(/^0x/, "").length, `"${line}"`).to.be.at.most(8);
    // No heading is the last line of a page, cut off from what it heads.
    const headings = ["文件  Files", "手工验证步骤  How to verify by hand"];
    for (let n = 1; n <= pages; n++) {
      const body = boxes.filter((b) => b.page === n && b.text !== `${n} / ${pages}`);
      const last = body.sort((a, b) => a.yMin - b.yMin).at(-1)!;
      expect(
        headings.some((h) => last.text.replace(/\s+/g, " ") === h.replace(/\s+/g, " ")),
      ).to.equal(false, `page ${n} ends with the heading "${last.text}"`);
    }
  });

  it("gives the anchored receipt to whoever holds the number and code, and nothing to a wrong code", async () => {
    const url = new URL(verifyUrl());
    const [number, code] = [url.searchParams.get("certificate")!, url.searchParams.get("code")!];
    const anonymous = notary.client.withKey(undefined);
    const found = await anonymous.get(`/v1/certificates/${number}?code=${code.toLowerCase()}`);
    expect(found.status).to.equal(200);
    // The same record and proof, without a single personal value: a lookup code travels on
    // paper and in public links, so it opens the committed record only (DESIGN §7).
    expect((receipt as { disclosures?: string[] }).disclosures).to.have.length.greaterThan(0);
    expect((found.body as { receipt: AnchoredReceipt }).receipt).to.deep.equal({
      ...receipt,
      disclosures: [],
    });
    const wrong = await anonymous.get(`/v1/certificates/${number}?code=AAAA-AAAA-AAAA-AAAA`);
    const unknown = await anonymous.get(`/v1/certificates/EN-99999999-00000000?code=${code}`);
    const errorOf = (a: { body: unknown }) => {
      const { error } = a.body as { error: { code: string; message: string } };
      return [error.code, error.message];
    };
    expect([wrong.status, unknown.status]).to.deep.equal([404, 404]);
    expect(errorOf(unknown)).to.deep.equal(errorOf(wrong));
    expect(errorOf(wrong)[0]).to.equal("CERTIFICATE_LOOKUP_FAILED");
    const missing = await anonymous.get(`/v1/certificates/${number}`);
    expect([missing.status, errorOf(missing)[0]]).to.deep.equal([400, "CERTIFICATE_CODE_MISSING"]);
  });

  it("rate-limits failed lookups per address and number, and over all addresses, never refusing a correct code for another's failures", async () => {
    const strict = await startTestNotary({
      LOOKUP_FAILURES_PER_WINDOW: "3",
      LOOKUP_GLOBAL_FAILURES_PER_WINDOW: "20",
      LOOKUPS_PER_WINDOW: "1000",
    });
    try {
      const answer = await strict.client.postRecord(await exampleRecord("filing"));
      const id = (answer.body as { id: string }).id;
      await waitAnchored(strict.client, id);
      const data = (await strict.client.get(`/v1/records/${id}/certificate?format=json`))
        .body as Certificate;
      const number = data.number;
      const code = data.sections
        .flatMap((section) => section.fields)
        .find((f) => f.en.startsWith("Verification code"))!.value;
      const lookUp = (from: string, n: string, c: string) =>
        getFrom(strict.url, from, `/v1/certificates/${n}?code=${c}`);
      const wrong = (i: number) => `AAAA-AAAA-AAAA-AA${String(i).padStart(2, "0")}`;

      // One address guessing one certificate: three failures, then refused.
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await lookUp("127.0.0.2", "EN-00000000-00000000", wrong(i))).status);
      expect(statuses).to.deep.equal([404, 404, 404, 429, 429]);
      const limited = await lookUp("127.0.0.2", "EN-00000000-00000000", "X");
      expect((limited.body as { error: { code: string } }).error.code).to.equal(
        "LOOKUP_RATE_LIMITED",
      );
      expect(limited.headers["retry-after"]).to.equal("60");
      // The same address holding the right code of another certificate is served.
      expect((await lookUp("127.0.0.2", number, code)).status).to.equal(200);

      // Guesses from many addresses, one each: the ceiling over all addresses stops them.
      const spread: number[] = [];
      for (let i = 10; i < 40; i++)
        spread.push((await lookUp(`127.0.0.${i}`, "EN-00000000-00000001", wrong(i))).status);
      // (The six refused lookups from 127.0.0.2 above count against the ceiling too.)
      expect(spread.filter((s) => s === 404)).to.have.length(20 - 6);
      expect(spread.slice(-5)).to.deep.equal([429, 429, 429, 429, 429]);
    } finally {
      await strict.stop();
    }
  });

  it("accepts an empty file with a warning, and the certificate says the file is empty", async () => {
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "截图.png", content: new Uint8Array([4, 5]), type: "image/png" },
      { name: "录屏.mp4", content: new Uint8Array(0), type: "video/mp4" },
    ]);
    expect(answer.status).to.equal(201);
    const body = answer.body as { id: string; warnings?: { code: string; file: string }[] };
    expect(body.warnings?.map(({ code, file }) => ({ code, file }))).to.deep.equal([
      { code: "FILE_EMPTY", file: "录屏.mp4" },
    ]);
    await waitAnchored(notary.client, body.id);
    const html = (await notary.client.get(`/v1/records/${body.id}/certificate`)).body as string;
    expect(html).to.include("<td>0（空文件 empty file）</td>");
    expect(html).to.include("<td>2</td>");
    // A record without an empty file carries no warnings at all.
    const plain = await notary.client.postRecord(await exampleRecord("filing"));
    expect(plain.body).not.to.have.property("warnings");
  });

  it("lists on a notice's certificate the evidence it links, by number and digests, instead of an empty file list", async () => {
    const notice = await notary.client.postRecord(
      await exampleRecord("notice", [{ rel: "evidence", id: receipt.record.id }]),
    );
    const id = (notice.body as { id: string }).id;
    await waitAnchored(notary.client, id);
    const data = (await notary.client.get(`/v1/records/${id}/certificate?format=json`))
      .body as Certificate;
    const linked = data.sections.find((s) => s.en === "Linked records")!;
    expect(linked.fields).to.have.length(1);
    const evidenceNumber = `EN-${String(receipt.record.seq).padStart(8, "0")}-${receipt.leafHash.slice(2, 10).toUpperCase()}`;
    expect(linked.fields[0]).to.include({ zh: "证据", en: "evidence" });
    for (const part of [
      evidenceNumber,
      receipt.leafHash,
      receipt.record.files[0]!.sha256,
      "截图.png",
    ])
      expect(linked.fields[0]!.value).to.include(part);
    const html = (await notary.client.get(`/v1/records/${id}/certificate`)).body as string;
    expect(html).to.include("本记录无附件文件");
    expect(html).to.include(evidenceNumber);
    const { bytes } = await notary.client.getBytes(`/v1/records/${id}/certificate?format=pdf`);
    const dir = await mkdtemp(join(tmpdir(), "certificate-linked-"));
    await writeFile(join(dir, "c.pdf"), bytes);
    const text = (await run("pdftotext", [join(dir, "c.pdf"), "-"])).stdout.replace(/\s+/g, "");
    expect(text).to.include(evidenceNumber);
    expect(text).to.include(receipt.record.files[0]!.sha256);
  });

  it("refuses a certificate for a record not yet anchored, and an unknown format", async () => {
    const slow = await startTestNotary({ BATCH_MAX_WAIT_MS: "3600000" });
    try {
      const answer = await slow.client.postRecord(await exampleRecord("filing"));
      const { status, body } = await slow.client.get(
        `/v1/records/${(answer.body as { id: string }).id}/certificate`,
      );
      expect([status, (body as { error: { code: string } }).error.code]).to.deep.equal([
        409,
        "CERTIFICATE_NOT_READY",
      ]);
    } finally {
      await slow.stop();
    }
    const { status, body } = await notary.client.get(
      `/v1/records/${receipt.record.id}/certificate?format=docx`,
    );
    expect([status, (body as { error: { code: string } }).error.code]).to.deep.equal([
      400,
      "CERTIFICATE_FORMAT_INVALID",
    ]);
  });
});

interface Box {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every text line of a PDF with its box in points, from `pdftotext -bbox-layout`. */
async function textLines(pdf: string): Promise<Box[]> {
  const xhtml = (await run("pdftotext", ["-bbox-layout", pdf, "-"])).stdout;
  const boxes: Box[] = [];
  xhtml
    .split(/<page /)
    .slice(1)
    .forEach((page, i) => {
      for (const line of page.matchAll(
        /<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g,
      )) {
        const words = [...line[5]!.matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((w) => w[1]);
        boxes.push({
          page: i + 1,
          text: words.join(" "),
          xMin: Number(line[1]),
          yMin: Number(line[2]),
          xMax: Number(line[3]),
          yMax: Number(line[4]),
        });
      }
    });
  return boxes;
}

/** A GET sent from a chosen loopback address, as a client there would. */
function getFrom(
  base: string,
  from: string,
  path: string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}> {
  return new Promise((resolve, reject) => {
    const req = httpGet(new URL(path, base), { localAddress: from }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    req.on("error", reject);
  });
}
