import { defaultSha256, HASH_BYTES, hashNode, type Sha256 } from "./hash";

export interface InclusionProof {
  leafHash: Uint8Array;
  leafIndex: number;
  treeSize: number;
  auditPath: readonly Uint8Array[];
}

/**
 * Recomputes the root from an inclusion proof, following RFC 9162 §2.1.3.2 step by step, or
 * returns null when the proof is malformed for that index and size (too long, too short,
 * index outside the tree). The same algorithm runs on-chain in EvidenceLedger.verifyInclusion.
 */
export function rootFromProof(
  proof: InclusionProof,
  sha256: Sha256 = defaultSha256,
): Uint8Array | null {
  const { leafHash, leafIndex, treeSize, auditPath } = proof;
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize) return null;
  if (leafHash.length !== HASH_BYTES || auditPath.some((p) => p.length !== HASH_BYTES)) return null;
  // Numbers, not bit operators: `>>` would truncate sizes above 2^31.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of auditPath) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = hashNode(p, r, sha256);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashNode(r, p, sha256);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** True when the proof leads to `root`. */
export function verifyInclusion(
  proof: InclusionProof & { root: Uint8Array },
  sha256: Sha256 = defaultSha256,
): boolean {
  const computed = rootFromProof(proof, sha256);
  return computed !== null && equalBytes(computed, proof.root);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
