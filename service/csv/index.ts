/**
 * CSV as spreadsheet tools read it (RFC 4180 quoting, CRLF lines); files start with a UTF-8
 * byte order mark, without which Excel reads Chinese as mojibake.
 */
export const CSV_BOM = "\uFEFF";

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (cells: readonly unknown[]): string => cells.map(cell).join(",") + "\r\n";
