/**
 * A time as a Chinese court reads it and as the chain states it: Beijing time (UTC+8), then
 * UTC. Certificates travel between jurisdictions; neither reader converts. A page in one
 * language passes it. Its own module, with
 * no imports, so the browser pages print times the same way without bundling the certificate.
 */
export const inBeijingTime = (iso: string, language?: "zh" | "en"): string => {
  const at = Date.parse(iso);
  const plain = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d{3}Z$/, "");
  const beijing = plain(at + 8 * 3_600_000);
  // A page shows one language; the certificate, read by both, shows both.
  if (language === "zh") return `${beijing} 北京时间（${plain(at)} UTC）`;
  if (language === "en") return `${beijing} Beijing time (${plain(at)} UTC)`;
  return `${beijing} 北京时间 Beijing (${plain(at)} UTC)`;
};
