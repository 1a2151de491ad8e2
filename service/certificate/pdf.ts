import QRCode from "qrcode";
import { startPdf, type CjkFont } from "../pdf";
import { CAPTURE_SECTION, NO_FILES, sizeLabel, type Certificate } from "./certificate";

const MARGIN = 40;
const QR_SIZE = 110;
/** The header's text stays left of the QR code, with a gutter, so nothing overlaps it. */
const GUTTER = 16;

/**
 * The certificate as a PDF (A4, numbered pages), Chinese and English, with the QR code of the
 * verification link in the top right corner and the header's text in the column beside it.
 */
export async function renderCertificatePdf(
  c: Certificate,
  font?: CjkFont,
  /** A service capture's first screen, shown under its capture section. */
  images: { firstScreen?: Buffer } = {},
): Promise<Buffer> {
  const qr = await QRCode.toBuffer(c.verifyUrl, {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    scale: 6,
  });
  const { doc, finish } = startPdf({
    title: `存证证书 Evidence certificate ${c.number}`,
    margin: MARGIN,
    numbered: true,
    ...(font && { font }),
  });
  const qrX = doc.page.width - MARGIN - QR_SIZE;
  doc.image(qr, qrX, MARGIN, { width: QR_SIZE });
  const column = { width: qrX - GUTTER - MARGIN };
  doc.fontSize(20).text("存证证书  Evidence certificate", MARGIN, MARGIN + 6, column);
  doc
    .moveDown(0.3)
    .fontSize(10)
    .text(`证书编号 Certificate number: ${c.number}`, column)
    .text(`验证 Verify:\n${breakUrl(c.verifyUrl)}`, { ...column, link: c.verifyUrl });
  if (c.developmentChain)
    doc
      .moveDown(0.3)
      .fillColor("#a00")
      .fontSize(9)
      .text(
        "本地开发链：仅在信任运营方的范围内证明完整性。 Local development chain: integrity only as far as the operator is trusted.",
        column,
      )
      .fillColor("#000");
  // Below both the header and the QR code before the body starts, at full width.
  doc.y = Math.max(doc.y, MARGIN + QR_SIZE) + 18;
  doc.x = MARGIN;
  /** A heading goes to the next page unless a few lines of what it heads fit under it. */
  const heading = (text: string) => {
    if (doc.y + 70 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc.fontSize(13).text(text).moveDown(0.3).fontSize(8.5);
  };
  for (const section of c.sections) {
    heading(`${section.zh}  ${section.en}`);
    for (const f of section.fields) {
      const label = `${f.zh} ${f.en}: `;
      // A token (a code, an id, a number) that would not fit beside its label starts a line of
      // its own: pdfkit would otherwise cut it at a hyphen.
      const token = !/\s/.test(f.value) && f.value.length <= LINE;
      if (token && doc.widthOfString(label + f.value) > doc.page.width - 2 * MARGIN)
        doc.text(label).text(f.value);
      else doc.text(label, { continued: true }).text(breakLong(f.value));
    }
    if (images.firstScreen && section.en === CAPTURE_SECTION) {
      // The page as it first showed, a quarter of the page's height at most.
      const height = 200;
      if (doc.y + height + 30 > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc.moveDown(0.3).text("首屏截图 First screen, as captured:");
      doc.image(images.firstScreen, MARGIN, doc.y + 4, {
        fit: [doc.page.width - 2 * MARGIN, height],
      });
      doc.y += height + 8;
      doc.x = MARGIN;
    }
    doc.moveDown();
  }
  heading("文件  Files");
  if (c.files.length === 0) doc.text(NO_FILES);
  for (const f of c.files)
    doc
      .text(`${f.name}  (${f.mediaType}, ${sizeLabel(f.size)} bytes)`)
      .text(`SHA-256: ${breakLong(f.sha256)}`);
  doc.moveDown();
  heading("手工验证步骤  How to verify by hand");
  c.steps.forEach((s, i) => doc.text(`${i + 1}. ${s.zh}`).text(`   ${s.en}`));
  return finish();
}

/** Characters of an unspaced value on one line of the body's type. */
const LINE = 60;

/**
 * pdfkit drops what overflows a line inside one word: break long unspaced values ourselves,
 * and leave text with spaces to pdfkit's own wrapping. A hash or other hex value is set in
 * groups of eight (the `0x` kept with the first), so it wraps between groups and reads back
 * by eye; any other long token is cut into lines of even length, never a line and a stub.
 */
function breakLong(value: string): string {
  return value
    .split(" ")
    .map((word) => {
      if (word.length <= LINE) return word;
      const hex = /^(0x)?[0-9a-fA-F]+$/.exec(word);
      if (hex) {
        const digits = word.slice(hex[1]?.length ?? 0);
        const groups = digits.match(/.{1,8}/g) ?? [digits];
        return `${hex[1] ?? ""}${groups.join(" ")}`;
      }
      return evenLines(word);
    })
    .join(" ");
}

function evenLines(word: string): string {
  const lines = Math.ceil(word.length / LINE);
  const size = Math.ceil(word.length / lines);
  return (word.match(new RegExp(`.{1,${size}}`, "g")) ?? [word]).join("\n");
}

/**
 * The verification link on lines of its own parts: the page, then each `?name=value` or
 * `&name=value`, so a certificate number or a verification code is never cut in two.
 */
function breakUrl(url: string): string {
  return url
    .split(/(?=[?&])/)
    .map((part) => (part.length <= LINE ? part : evenLines(part)))
    .join("\n");
}
