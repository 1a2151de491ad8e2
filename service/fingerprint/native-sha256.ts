import { hash } from "node:crypto";
import type { Sha256 } from "../merkle";

/**
 * OpenSSL's SHA-256 through Node's one-shot `crypto.hash`: about 2.5 times faster than the
 * pure-JS default for the 65-byte messages of tree building, and byte-identical to it.
 */
export const nativeSha256: Sha256 = (data) => hash("sha256", data, "buffer");
