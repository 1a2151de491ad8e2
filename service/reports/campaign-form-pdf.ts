import { startPdf, type CjkFont } from "../pdf";
import type { CampaignForm } from "./campaign-form";

/** The form as the authority's template lays it out (seed 001, 附件): one A4 page per unit. */
export async function renderCampaignFormPdf(form: CampaignForm, font?: CjkFont): Promise<Buffer> {
  const { doc, finish } = startPdf({
    title: `专项整治数据统计表 ${form.month}`,
    margin: 60,
    ...(font && { font }),
  });
  const [year, month] = form.month.split("-");
  form.forms.forEach((f, i) => {
    if (i > 0) doc.addPage();
    doc.fontSize(15).text("电子商务领域知识产权保护专项整治数据统计表", { align: "center" });
    doc.moveDown().fontSize(11);
    doc.text(`单位名称：${f.单位名称}`).text(`统计月份：${year} 年 ${Number(month)} 月`);
    doc.text(`行政区划代码：${f.regions.join("、")}`).moveDown();
    const x = [60, 140, 380];
    const widths = [80, 240, 155];
    let y = doc.y;
    const line = (cells: string[], bold = false) => {
      doc.rect(60, y, 475, 26).stroke();
      cells.forEach((text, i) => {
        if (i > 0)
          doc
            .moveTo(x[i]!, y)
            .lineTo(x[i]!, y + 26)
            .stroke();
        doc.fontSize(bold ? 11.5 : 11).text(text, x[i]! + 8, y + 8, { width: widths[i]! - 16 });
      });
      y += 26;
    };
    line(["序号", "项目", "数量"], true);
    for (const row of f.rows) line([String(row.序号), row.项目, String(row.数量)]);
    // The template's signature block: the reporting unit seals and dates the form.
    doc
      .fontSize(11)
      .text("填报单位（签章）：", 60, y + 24)
      .text("时间：        年      月      日", 330, y + 24);
    doc
      .fontSize(8)
      .text(
        `依据 ${f.records.length} 条已存证的专项整治记录生成；每条记录可凭下列记录编号独立核验。 Generated from ${f.records.length} notarised campaign records, each verifiable by its record id:`,
        60,
        y + 64,
        { width: 475 },
      )
      .text(f.records.join("  "), { width: 475 })
      .moveDown(0.5)
      .text("统计口径 What each figure counts:", { width: 475 });
    for (const row of f.rows) doc.text(`${row.序号}  ${row.counts}`, { width: 475 });
    printLedger(doc, form.ledger);
  });
  if (form.forms.length === 0) {
    doc.fontSize(12).text(`${form.month}：本月无专项整治记录。 No campaign records this month.`);
    printLedger(doc, form.ledger);
  }
  return finish();
}

/** The ledger's own counts for the month, apart from the form and labelled as such. */
function printLedger(doc: PDFKit.PDFDocument, ledger: CampaignForm["ledger"]): void {
  doc
    .moveDown(0.5)
    .fontSize(8)
    .text(ledger.label, { width: 475 })
    .text(
      `侵权通知 ${ledger.notices} 件 notices · 处置措施 ${ledger.measures} 项 measures · 涉及权利 ${ledger.rights} 项 rights`,
      { width: 475 },
    );
  if (ledger.records.length > 0) doc.text(ledger.records.join("  "), { width: 475 });
}
