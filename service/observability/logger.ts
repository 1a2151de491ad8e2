import pino, { type Logger } from "pino";

/**
 * JSON logs. Headers that carry secrets are redacted wherever they appear, as a second line of
 * defence: request logging already leaves them out.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "evidence-notary" },
    redact: {
      paths: ["req.headers.authorization", "headers.authorization", "*.privateKey", "*.key"],
      censor: "[redacted]",
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
