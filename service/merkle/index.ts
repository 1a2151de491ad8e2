/**
 * The Merkle core: RFC 6962 / RFC 9162 trees and inclusion proofs over SHA-256. Pure: no I/O,
 * no platform API, so receipts verify the same way in the service, the CLI and a browser.
 */
export { defaultSha256, emptyRoot, hashLeaf, hashNode, HASH_BYTES, type Sha256 } from "./hash";
export { getProof, leafHashOf, makeTree, rootOf, type MerkleTree, type TreeOptions } from "./tree";
export { equalBytes, rootFromProof, verifyInclusion, type InclusionProof } from "./proof";
export { sameBatch, sameHex32, toHex32, type Hex32 } from "./hex32";
