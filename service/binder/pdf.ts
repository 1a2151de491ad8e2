import { startPdf, type CjkFont } from "../pdf";
import { inBeijingTime } from "../certificate/certificate";
import type { Binder } from "./binder";

/** The binder as a PDF (A4, page numbers), to print and bind for the assessors (seed 003 四(二)). */
export async function renderBinderPdf(b: Binder, font?: CjkFont): Promise<Buffer> {
  const { doc, finish } = startPdf({
    title: "GB/T 39550-2020 贯标评价证明材料 Evaluation binder",
    numbered: true,
    ...(font && { font }),
  });
  doc.fontSize(16).text("GB/T 39550-2020 贯标评价证明材料", { align: "center" });
  doc.fontSize(11).text("Evidence binder for the GB/T 39550-2020 evaluation", { align: "center" });
  doc
    .moveDown()
    .fontSize(9)
    .text(`被评价平台 Platform evaluated: ${b.platform}`)
    // One line each: a whole time pair does not fit a line, and a wrap splits a time.
    .text(`期间自 Period from: ${inBeijingTime(b.from)}`)
    .text(`期间至 Period to: ${inBeijingTime(b.to)}`)
    .text(`生成 Generated: ${inBeijingTime(b.generatedAt)}`);
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
  return finish();
}
