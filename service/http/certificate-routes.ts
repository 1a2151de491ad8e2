import { Router, type RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import { InvalidInputError } from "../errors";
import type { AnchoredReceipt } from "../receipts";

/** Lookups per client address and window; failed ones are held to far fewer. */
export interface LookupLimits {
  windowMs: number;
  lookups: number;
  /** Failed lookups of one certificate number from one address. */
  failures: number;
  /** Failed lookups from all addresses together: many addresses guessing at once. */
  globalFailures: number;
}

/**
 * `GET /v1/certificates/:number?code=…` (no key): the anchored receipt a printed certificate
 * names, for whoever holds its number and verification code. Rate-limited per client address,
 * failures far more strictly, so codes (80 bits) cannot be searched for.
 */
export function certificateRouter(
  lookUp: (number: string, code: string) => Promise<AnchoredReceipt>,
  limits: LookupLimits,
  /** Where counters live: this process's memory, or a store replicas share (DESIGN §8). */
  storeFor?: (limiter: string) => Store,
): Router {
  const stored = (limiter: string) => (storeFor ? { store: storeFor(limiter) } : {});
  const router = Router();
  const refuse =
    (what: string): RequestHandler =>
    (_req, _res, next) =>
      next(
        new InvalidInputError(
          "LOOKUP_RATE_LIMITED",
          `too many ${what}; wait a minute and try again`,
        ),
      );
  const all = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.lookups,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (req, res, next) => refuse("certificate lookups")(req, res, next),
    ...stored("lookups:"),
  });
  // Failures count per address and certificate number: a clerk behind the same office address
  // as someone who mistyped (or guessed) other codes is not refused their own certificate.
  const failures = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.failures,
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? "")} ${String(req.params.number)}`,
    handler: (req, res, next) => refuse("failed certificate lookups")(req, res, next),
    ...stored("failures:"),
  });
  // A ceiling over all addresses: guesses spread over many addresses stop here too.
  const globalFailures = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.globalFailures,
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: () => "all",
    handler: (req, res, next) =>
      refuse("failed certificate lookups on this service")(req, res, next),
    ...stored("global-failures:"),
  });
  router.get("/v1/certificates/:number", all, globalFailures, failures, async (req, res) => {
    const code = req.query.code;
    if (typeof code !== "string" || code.trim() === "")
      throw new InvalidInputError(
        "CERTIFICATE_CODE_MISSING",
        "give the verification code printed on the certificate as ?code=",
      );
    res.setHeader("Cache-Control", "no-store");
    res.json({ receipt: await lookUp(String(req.params.number), code) });
  });
  return router;
}
