/** The evidence certificate (存证证书): data from the receipt, rendered as HTML or PDF. */
export {
  certificateNumber,
  parseCertificateNumber,
  toCertificate,
  type CaptureFactsUnavailable,
  type CaptureFactsView,
  type Certificate,
  type CertificateField,
  type LinkedRecord,
} from "./certificate";
export { codeMatches, lookupCode, normaliseCode } from "./lookup";
export { renderCertificateHtml } from "./html";
export { renderCertificatePdf } from "./pdf";
