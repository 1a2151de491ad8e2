import { randomBytes } from "node:crypto";

/**
 * 128-bit salts from the CSPRNG, drawn 256 at a time: one `randomBytes` call per salt cost more
 * than the rest of a value's commitment.
 */
let salts = Buffer.alloc(0);
let saltAt = 0;
export function nextSalt(): string {
  if (saltAt + 16 > salts.length) {
    salts = randomBytes(16 * 256);
    saltAt = 0;
  }
  saltAt += 16;
  return salts.subarray(saltAt - 16, saltAt).toString("base64url");
}
