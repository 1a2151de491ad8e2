import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How deliveries are signed: `X-Notary-Signature: v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * with `X-Notary-Timestamp: <t>` (Unix seconds). The timestamp is inside the MAC, so a receiver
 * that refuses old timestamps refuses a replayed delivery; the body is signed byte for byte.
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", Buffer.from(secret, "hex"))
    .update(`${timestamp}.${body}`)
    .digest("hex");
  return `v1=${mac}`;
}

/** A receiver's check: the signature matches and the timestamp is within `toleranceS` of now. */
export function verifyDelivery(o: {
  secret: string;
  signature: string | null;
  timestamp: string | null;
  body: string;
  nowS?: number;
  toleranceS?: number;
}): boolean {
  const t = Number(o.timestamp);
  if (!o.signature || !Number.isInteger(t)) return false;
  const now = o.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (o.toleranceS ?? 300)) return false;
  const expected = Buffer.from(signDelivery(o.secret, t, o.body));
  const given = Buffer.from(o.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
