import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { InvalidInputError } from "../errors";

/** A font pdfkit can set Chinese in: a TrueType file, or a face of a collection. */
export interface CjkFont {
  file: string;
  /** The face's PostScript name, for a collection (.ttc); none for a single font. */
  family?: string;
}

/**
 * Where the CJK font comes from, in order: `CJK_FONT_FILE` if set; Noto Sans SC, installed from
 * the npm registry with the service (`@expo-google-fonts/noto-sans-sc`, SIL OFL), so a fresh
 * `npm ci` prints Chinese; Debian's WenQuanYi Zen Hei (`fonts-wqy-zenhei`) where that is absent.
 */
export function cjkFontCandidates(env: NodeJS.ProcessEnv = process.env): CjkFont[] {
  const candidates: CjkFont[] = [];
  if (env.CJK_FONT_FILE) candidates.push({ file: env.CJK_FONT_FILE });
  try {
    const require = createRequire(__filename);
    candidates.push({
      file: require.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
    });
  } catch {
    // Not installed (a trimmed deployment): fall through to the system's font.
  }
  candidates.push({
    file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    family: "WenQuanYiZenHei",
  });
  return candidates;
}

/** The first CJK font present, or CERTIFICATE_FONT_MISSING (503) naming where it looked. */
export function cjkFont(candidates = cjkFontCandidates()): CjkFont {
  const found = candidates.find((f) => existsSync(f.file));
  if (!found)
    throw new InvalidInputError(
      "CERTIFICATE_FONT_MISSING",
      `no CJK font found (looked for ${candidates.map((f) => f.file).join(", ")}); run npm ci, or set CJK_FONT_FILE`,
    );
  return found;
}

/**
 * A new A4 document set in the CJK font, and `finish()` to end it and get its bytes. With
 * `numbered`, every page gets "n / total" in its bottom margin when it is finished.
 */
export function startPdf(options: {
  title: string;
  margin?: number;
  numbered?: boolean;
  font?: CjkFont;
}): { doc: PDFKit.PDFDocument; finish: () => Promise<Buffer> } {
  const font = options.font ?? cjkFont();
  const doc = new PDFDocument({
    size: "A4",
    margin: options.margin ?? 40,
    bufferPages: options.numbered === true,
    info: { Title: options.title },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );
  const setFont = () => (font.family ? doc.font(font.file, font.family) : doc.font(font.file));
  setFont();
  doc.on("pageAdded", setFont);
  return {
    doc,
    finish: () => {
      if (options.numbered) numberPages(doc);
      doc.end();
      return done;
    },
  };
}

function numberPages(doc: PDFKit.PDFDocument): void {
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    // Written inside the bottom margin: lowered for the number, so no page is added.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .fontSize(8)
      .fillColor("#000")
      .text(`${i + 1} / ${pages.count}`, 0, doc.page.height - 25, {
        align: "center",
        width: doc.page.width,
      });
    doc.page.margins.bottom = bottom;
  }
}
