/**
 * CSV as spreadsheet tools read it (RFC 4180 quoting, CRLF lines); files start with a UTF-8
 * byte order mark, without which Excel reads Chinese as mojibake.
 */
export const CSV_BOM = "\uFEFF";

/**
 * WARNING: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
 * formula by Excel and LibreOffice (CSV injection: `=HYPERLINK(…)` in a merchant's name would
 * reach a regulator's spreadsheet as a live link). Such cells get a leading apostrophe, as the
 * OWASP CSV Injection guidance advises; numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const cell = (v: unknown) => {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  const text = v === null || v === undefined ? "" : String(v);
  const s = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (cells: readonly unknown[]): string => cells.map(cell).join(",") + "\r\n";
