import QRCode from "qrcode";
import { startPdf, type CjkFont } from "../pdf";
import { sizeLabel, type Certificate } from "./certificate";

const MARGIN = 40;
const QR_SIZE = 110;
/** The header's text stays left of the QR code, with a gutter, so nothing overlaps it. */
const GUTTER = 16;

/**
 * The certificate as a PDF (A4, numbered pages), Chinese and English, with the QR code of the
 * verification link in the top right corner and the header's text in the column beside it.
 */
export async function renderCertificatePdf(c: Certificate, font?: CjkFont): Promise<Buffer> {
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
    .text(`验证 Verify: ${breakLong(c.verifyUrl)}`, { ...column, link: c.verifyUrl });
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
  for (const section of c.sections) {
    doc.fontSize(13).text(`${section.zh}  ${section.en}`).moveDown(0.3).fontSize(8.5);
    for (const f of section.fields)
      doc.text(`${f.zh} ${f.en}: `, { continued: true }).text(breakLong(f.value));
    doc.moveDown();
  }
  doc.fontSize(13).text("文件  Files").moveDown(0.3).fontSize(8.5);
  for (const f of c.files)
    doc
      .text(`${f.name}  (${f.mediaType}, ${sizeLabel(f.size)} bytes)`)
      .text(`SHA-256: ${breakLong(f.sha256)}`);
  doc.moveDown();
  doc.fontSize(13).text("手工验证步骤  How to verify by hand").moveDown(0.3).fontSize(8.5);
  c.steps.forEach((s, i) => doc.text(`${i + 1}. ${s.zh}`).text(`   ${s.en}`));
  return finish();
}

/**
 * pdfkit drops what overflows a line inside one word: break long unspaced values (hashes,
 * signatures, URLs) ourselves, and leave text with spaces to pdfkit's own wrapping.
 */
function breakLong(value: string): string {
  return value
    .split(" ")
    .map((word) => (word.length <= 60 ? word : (word.match(/.{1,60}/g) ?? [word]).join("\n")))
    .join(" ");
}
