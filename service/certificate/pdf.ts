import { access } from "node:fs/promises";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { InvalidInputError } from "../errors";
import type { Certificate } from "./certificate";

/** Debian's fonts-wqy-zenhei: a CJK font every Debian machine can install (`.ci/run` does). */
export const DEFAULT_CJK_FONT = {
  file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  family: "WenQuanYiZenHei",
};

/** The certificate as a PDF (A4), Chinese and English, with the QR code of the verification link. */
export async function renderCertificatePdf(
  c: Certificate,
  font = DEFAULT_CJK_FONT,
): Promise<Buffer> {
  await access(font.file).catch(() => {
    throw new InvalidInputError(
      "CERTIFICATE_FONT_MISSING",
      `the CJK font ${font.file} is not installed (Debian package fonts-wqy-zenhei)`,
    );
  });
  const qr = await QRCode.toBuffer(c.verifyUrl, {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    scale: 6,
  });
  const doc = new PDFDocument({
    size: "A4",
    margin: 40,
    info: { Title: `存证证书 Evidence certificate ${c.number}` },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );

  doc.font(font.file, font.family);
  doc.image(qr, doc.page.width - 40 - 110, 40, { width: 110 });
  doc.fontSize(20).text("存证证书  Evidence certificate", 40, 50);
  doc
    .fontSize(10)
    .text(`证书编号 Certificate number: ${c.number}`)
    .text(`验证 Verify: ${c.verifyUrl}`, { link: c.verifyUrl });
  if (c.developmentChain)
    doc
      .fillColor("#a00")
      .text(
        "本地开发链：仅在信任运营方的范围内证明完整性。 Local development chain: integrity only as far as the operator is trusted.",
      )
      .fillColor("#000");
  doc.moveDown(2);
  for (const section of c.sections) {
    doc.fontSize(13).text(`${section.zh}  ${section.en}`).moveDown(0.3).fontSize(8.5);
    for (const f of section.fields)
      doc.text(`${f.zh} ${f.en}: `, { continued: true }).text(breakLong(f.value));
    doc.moveDown();
  }
  doc.fontSize(13).text("文件  Files").moveDown(0.3).fontSize(8.5);
  for (const f of c.files)
    doc
      .text(`${f.name}  (${f.mediaType}, ${f.size} bytes)`)
      .text(`SHA-256: ${breakLong(f.sha256)}`);
  doc.moveDown();
  doc.fontSize(13).text("手工验证步骤  How to verify by hand").moveDown(0.3).fontSize(8.5);
  c.steps.forEach((s, i) => doc.text(`${i + 1}. ${s.zh}`).text(`   ${s.en}`));
  doc.end();
  return done;
}

/**
 * pdfkit drops what overflows a line inside one word: break long unspaced values (hashes,
 * signatures) ourselves, and leave text with spaces to pdfkit's own wrapping.
 */
function breakLong(value: string): string {
  return value
    .split(" ")
    .map((word) => (word.length <= 66 ? word : (word.match(/.{1,66}/g) ?? [word]).join("\n")))
    .join(" ");
}
