/** Witnesses of batch roots from outside the service (DESIGN §6): RFC 3161 time-stamp tokens. */
export {
  certificatesFromPemOrDer,
  isCertificate,
  checkTokenIntegrity,
  describeToken,
  timestampRequest,
  toPem,
  TimestampError,
  tokenFromResponse,
  verifyToken,
  type TimestampCode,
  type TokenFacts,
} from "./rfc3161";
export { Timestamper, type TimestamperOptions, type TsaStatus } from "./timestamper";
