import PDFDocument from "pdfkit";
import { DEFAULT_CJK_FONT } from "../certificate";
import { InvalidInputError } from "../errors";
import { access } from "node:fs/promises";
import type { Binder } from "./binder";

/** The binder as a PDF (A4, page numbers), to print and bind for the assessors (seed 003 四(二)). */
export async function renderBinderPdf(b: Binder, font = DEFAULT_CJK_FONT): Promise<Buffer> {
  await access(font.file).catch(() => {
    throw new InvalidInputError(
      "CERTIFICATE_FONT_MISSING",
      `the CJK font ${font.file} is not installed (Debian package fonts-wqy-zenhei)`,
    );
  });
  const doc = new PDFDocument({
    size: "A4",
    margin: 40,
    bufferPages: true,
    info: { Title: "GB/T 39550-2020 贯标评价证明材料 Evaluation binder" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );
  doc.font(font.file, font.family);
  doc.fontSize(16).text("GB/T 39550-2020 贯标评价证明材料", { align: "center" });
  doc.fontSize(11).text("Evidence binder for the GB/T 39550-2020 evaluation", { align: "center" });
  doc
    .moveDown()
    .fontSize(9)
    .text(`期间 Period: ${b.from} — ${b.to}    生成 Generated: ${b.generatedAt}`);
  doc.text(
    `合计 Total: ${b.total.score} / ${b.total.points}    可由记录支持 Supportable by records: ${b.total.supportable}`,
  );
  for (const level of ["basic", "improvement", "bonus"] as const) {
    const s = b.subtotals[level];
    doc
      .moveDown()
      .fontSize(12)
      .text(
        `${{ basic: "基础管理 Basic", improvement: "提升管理 Improved", bonus: "附加分 Bonus" }[level]}  ${s.score} / ${s.points}`,
      );
    for (const r of b.rows.filter((x) => x.level === level)) {
      doc
        .moveDown(0.4)
        .fontSize(9.5)
        .text(`${r.id}  ${r.area} · ${r.item}  [${r.clause}]  ${r.score} / ${r.points}`);
      doc
        .fontSize(8)
        .text(r.content)
        .text(`评分标准: ${r.criteria}`)
        .text(`Rule (${r.basis}): ${r.rule}`);
      for (const e of r.evidence) {
        doc.text(`  - ${e.label}: ${e.count}`);
        for (const sample of e.samples)
          doc
            .fillColor("#225")
            .text(`      ${sample.verify}`, { link: sample.verify })
            .fillColor("#000");
      }
    }
  }
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    // Written inside the bottom margin: lower it for the page number so no new page is added.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).text(`${i + 1} / ${pages.count}`, 0, doc.page.height - 25, {
      align: "center",
      width: doc.page.width,
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
