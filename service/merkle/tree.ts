import { InvalidInputError } from "../errors";
import { defaultSha256, emptyRoot, HASH_BYTES, NODE_PREFIX, type Sha256 } from "./hash";

/**
 * An RFC 6962 Merkle tree over pre-hashed leaves, kept as one packed buffer per level
 * (`levels[0]` the leaf hashes, the last level the root) so a million leaves cost about 64 MB
 * and no per-node objects.
 *
 * Built bottom-up, pairing nodes left to right and promoting a lone last node unchanged: this
 * yields exactly the RFC 6962 shape (split at the largest power of two below n), never the
 * "duplicate the odd node" shape that allows second-preimage tricks.
 */
export interface MerkleTree {
  readonly size: number;
  readonly levels: readonly Uint8Array[];
}

export interface TreeOptions {
  sha256?: Sha256;
}

/** Builds a tree from leaf hashes: an array of 32-byte hashes, or one packed buffer of them. */
export function makeTree(
  leafHashes: readonly Uint8Array[] | Uint8Array,
  options: TreeOptions = {},
): MerkleTree {
  const sha256 = options.sha256 ?? defaultSha256;
  const leaves =
    leafHashes instanceof Uint8Array ? checkPacked(leafHashes) : packLeaves(leafHashes);
  const size = leaves.length / HASH_BYTES;
  const levels: Uint8Array[] = [leaves];
  let level = leaves;
  // One scratch buffer for every node: allocation per node, not hashing, would dominate.
  const scratch = new Uint8Array(1 + 2 * HASH_BYTES);
  scratch[0] = NODE_PREFIX;
  while (level.length > HASH_BYTES) {
    const width = level.length / HASH_BYTES;
    const parentWidth = Math.ceil(width / 2);
    const parent = new Uint8Array(parentWidth * HASH_BYTES);
    const pairs = Math.floor(width / 2);
    for (let i = 0; i < pairs; i++) {
      // Plain loops: a subarray view per node costs more than the copy itself.
      const from = 2 * i * HASH_BYTES;
      for (let b = 0; b < 2 * HASH_BYTES; b++) scratch[1 + b] = level[from + b]!;
      const digest = sha256(scratch);
      const to = i * HASH_BYTES;
      for (let b = 0; b < HASH_BYTES; b++) parent[to + b] = digest[b]!;
    }
    if (width % 2 === 1) parent.set(level.subarray((width - 1) * HASH_BYTES), pairs * HASH_BYTES);
    levels.push(parent);
    level = parent;
  }
  if (size === 0) levels.push(emptyRoot(sha256));
  return { size, levels };
}

export function rootOf(tree: MerkleTree): Uint8Array {
  const top = tree.levels[tree.levels.length - 1];
  if (top === undefined || top.length !== HASH_BYTES)
    throw new InvalidInputError("MERKLE_MALFORMED_TREE", "tree has no root level");
  return top;
}

export function leafHashOf(tree: MerkleTree, leafIndex: number): Uint8Array {
  checkIndex(tree, leafIndex);
  return nodeAt(tree.levels[0]!, leafIndex);
}

/**
 * The RFC 9162 §2.1.3.1 audit path of leaf `leafIndex`: sibling hashes from the leaf upwards.
 * A node with no sibling at its level (the promoted last node) contributes nothing.
 */
export function getProof(tree: MerkleTree, leafIndex: number): Uint8Array[] {
  checkIndex(tree, leafIndex);
  const path: Uint8Array[] = [];
  let index = leafIndex;
  for (let depth = 0; depth < tree.levels.length - 1; depth++) {
    const level = tree.levels[depth]!;
    const sibling = index ^ 1;
    if (sibling < level.length / HASH_BYTES) path.push(nodeAt(level, sibling));
    index >>= 1;
  }
  return path;
}

function nodeAt(level: Uint8Array, index: number): Uint8Array {
  return level.slice(index * HASH_BYTES, (index + 1) * HASH_BYTES);
}

function checkIndex(tree: MerkleTree, leafIndex: number): void {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= tree.size) {
    throw new InvalidInputError(
      "MERKLE_LEAF_INDEX_OUT_OF_RANGE",
      `leaf index ${leafIndex} is outside a tree of ${tree.size} leaves`,
      {
        details: { leafIndex, treeSize: tree.size },
      },
    );
  }
}

function checkPacked(packed: Uint8Array): Uint8Array {
  if (packed.length % HASH_BYTES !== 0) {
    throw new InvalidInputError(
      "MERKLE_BAD_LEAF_HASH",
      `packed leaf hashes must be a multiple of ${HASH_BYTES} bytes, got ${packed.length}`,
    );
  }
  return packed;
}

function packLeaves(leafHashes: readonly Uint8Array[]): Uint8Array {
  const packed = new Uint8Array(leafHashes.length * HASH_BYTES);
  leafHashes.forEach((hash, i) => {
    if (hash.length !== HASH_BYTES) {
      throw new InvalidInputError(
        "MERKLE_BAD_LEAF_HASH",
        `leaf hash ${i} is ${hash.length} bytes, expected ${HASH_BYTES}`,
        {
          details: { leafIndex: i, length: hash.length },
        },
      );
    }
    packed.set(hash, i * HASH_BYTES);
  });
  return packed;
}
