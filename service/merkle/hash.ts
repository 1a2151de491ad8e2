import { sha256 as nobleSha256 } from "@noble/hashes/sha2";

/** A SHA-256 implementation: pure, synchronous, one message in, 32 bytes out. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/**
 * The isomorphic default (audited, no platform API): the same bytes in Node and in a browser.
 * Hot paths on Node inject a native implementation instead; results are identical.
 */
export const defaultSha256: Sha256 = (data) => nobleSha256(data);

export const HASH_BYTES = 32;

/** RFC 6962 §2.1 domain separation prefixes: a leaf can never be mistaken for a node. */
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Leaf hash = SHA-256(0x00 ‖ data). */
export function hashLeaf(data: Uint8Array, sha256: Sha256 = defaultSha256): Uint8Array {
  const input = new Uint8Array(data.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/** Node hash = SHA-256(0x01 ‖ left ‖ right). */
export function hashNode(
  left: Uint8Array,
  right: Uint8Array,
  sha256: Sha256 = defaultSha256,
): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + HASH_BYTES);
  return sha256(input);
}

/** The root of the empty tree: SHA-256 of nothing (RFC 6962 §2.1). */
export function emptyRoot(sha256: Sha256 = defaultSha256): Uint8Array {
  return sha256(new Uint8Array(0));
}

export { NODE_PREFIX };
