/**
 * A time as a Chinese court reads it and as the chain states it: Beijing time (UTC+8), then
 * UTC. Certificates travel between jurisdictions; neither reader converts. Its own module, with
 * no imports, so the browser pages print times the same way without bundling the certificate.
 */
export const inBeijingTime = (iso: string): string => {
  const at = Date.parse(iso);
  const plain = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d{3}Z$/, "");
  return `${plain(at + 8 * 3_600_000)} 北京时间 Beijing (${plain(at)} UTC)`;
};
