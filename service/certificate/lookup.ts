import { createHmac, timingSafeEqual } from "node:crypto";

/** Crockford's base32: no I, L, O or U, so a code read off paper is typed back right. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The verification code printed on a record's certificate: 80 bits of HMAC-SHA256 under the
 * service's lookup secret, as four groups of four characters. It is a capability: whoever
 * holds the certificate can look the record up; the record id or number alone cannot, and codes
 * cannot be guessed or derived from one another.
 */
export function lookupCode(secret: Uint8Array, recordId: string): string {
  const mac = createHmac("sha256", secret).update(`certificate-lookup:${recordId}`).digest();
  let bits = 0n;
  for (const byte of mac.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = 15; i >= 0; i--) code += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return code.match(/.{4}/g)!.join("-");
}

/** A code as typed: case, spaces and dashes ignored, and the letters people confuse folded. */
export function normaliseCode(typed: string): string {
  const plain = typed.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  return plain.length === 16 ? plain.match(/.{4}/g)!.join("-") : plain;
}

/** Compares in constant time: a timing difference must not reveal a code's prefix. */
export function codeMatches(secret: Uint8Array, recordId: string, typed: string): boolean {
  const expected = Buffer.from(lookupCode(secret, recordId));
  const given = Buffer.from(normaliseCode(typed));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
