import { expect } from "chai";
import fc from "fast-check";
import { MerkleTree as ReferenceTree } from "merkletreejs";
import { createHash } from "node:crypto";
import { nativeSha256 } from "../../service/fingerprint/native-sha256";
import {
  getProof,
  hashLeaf,
  leafHashOf,
  makeTree,
  rootFromProof,
  rootOf,
  verifyInclusion,
} from "../../service/merkle";
import { RFC6962_EMPTY_ROOT, RFC6962_LEAVES, RFC6962_ROOTS } from "./vectors";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const leafHashesOf = (n: number) =>
  Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

describe("merkle core", () => {
  describe("RFC 6962 known answers", () => {
    const leafHashes = RFC6962_LEAVES.map((h) => hashLeaf(Buffer.from(h, "hex")));

    for (let n = 1; n <= 8; n++) {
      it(`gives the RFC 6962 root of the first ${n} leaves`, () => {
        expect(hex(rootOf(makeTree(leafHashes.slice(0, n))))).to.equal(RFC6962_ROOTS[n]);
      });
    }

    it("gives SHA-256 of nothing as the empty tree's root", () => {
      expect(hex(rootOf(makeTree([])))).to.equal(RFC6962_EMPTY_ROOT);
    });

    it("gives the same roots with the native hash injected", () => {
      const tree = makeTree(leafHashes, { sha256: nativeSha256 });
      expect(hex(rootOf(tree))).to.equal(RFC6962_ROOTS[8]);
    });

    it("accepts leaf hashes packed in one buffer", () => {
      const packed = Buffer.concat(leafHashes.slice(0, 3));
      expect(hex(rootOf(makeTree(packed)))).to.equal(RFC6962_ROOTS[3]);
    });
  });

  describe("agrees with merkletreejs", () => {
    // merkletreejs builds the RFC 6962 shape when given pre-hashed leaves, a 0x01-prefixing
    // concatenator, and no sorting or odd-node duplication (DESIGN §2).
    const sha = (data: Buffer) => createHash("sha256").update(data).digest();
    const reference = (leaves: Uint8Array[]) =>
      new ReferenceTree(
        leaves.map((l) => Buffer.from(l)),
        sha,
        {
          hashLeaves: false,
          sortPairs: false,
          sortLeaves: false,
          duplicateOdd: false,
          concatenator: (parts: Buffer[]) => Buffer.concat([Buffer.from([1]), ...parts]),
        },
      );

    it("on roots and audit paths for every size 1..70", () => {
      for (let n = 1; n <= 70; n++) {
        const leaves = leafHashesOf(n);
        const ours = makeTree(leaves);
        const theirs = reference(leaves);
        expect(hex(rootOf(ours)), `root, n=${n}`).to.equal(theirs.getRoot().toString("hex"));
        for (let i = 0; i < n; i++) {
          const path = theirs
            .getProof(Buffer.from(leaves[i]!), i)
            .map((p) => p.data.toString("hex"));
          expect(getProof(ours, i).map(hex), `path of ${i}, n=${n}`).to.deep.equal(path);
        }
      }
    });
  });

  describe("inclusion proofs (properties)", () => {
    const trees = new Map<number, ReturnType<typeof makeTree>>();
    const treeOf = (n: number) => {
      let tree = trees.get(n);
      if (!tree) trees.set(n, (tree = makeTree(leafHashesOf(n))));
      return tree;
    };
    const proofOf = (n: number, i: number) => {
      const tree = treeOf(n);
      return {
        leafHash: leafHashOf(tree, i),
        leafIndex: i,
        treeSize: n,
        auditPath: getProof(tree, i),
        root: rootOf(tree),
      };
    };

    it("verifies every leaf of every tree of size 1..300", () => {
      const failures: string[] = [];
      for (let n = 1; n <= 300; n++) {
        for (let i = 0; i < n; i++)
          if (!verifyInclusion(proofOf(n, i))) failures.push(`leaf ${i} of ${n}`);
      }
      expect(failures).to.deep.equal([]);
    });

    const leafInTree = fc
      .integer({ min: 1, max: 300 })
      .chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 })));

    it("fails when any byte of the leaf, the path or the root is flipped", () => {
      fc.assert(
        fc.property(
          leafInTree,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          ([n, i], pick, mask) => {
            const proof = proofOf(n, i);
            const parts = [proof.leafHash, ...proof.auditPath, proof.root].map((p) =>
              Uint8Array.from(p),
            );
            const target = parts[pick % parts.length]!;
            target[pick % 32]! ^= mask;
            const [leafHash, ...rest] = parts;
            const root = rest.pop()!;
            expect(
              verifyInclusion({ ...proof, leafHash: leafHash!, auditPath: rest, root }),
            ).to.equal(false);
          },
        ),
        { numRuns: 2000 },
      );
    });

    it("fails with any other leaf index", () => {
      fc.assert(
        fc.property(leafInTree, fc.nat({ max: 600 }), ([n, i], other) => {
          fc.pre(other !== i);
          expect(verifyInclusion({ ...proofOf(n, i), leafIndex: other })).to.equal(false);
        }),
        { numRuns: 2000 },
      );
    });

    // RFC 9162 uses the size only to choose the path's shape, and some sizes share a shape
    // (leaf 0 of 33 and of 34 leaves), so a size is bound by the root it is checked with: the
    // chain holds root and count together. Checked against the other size's own root, over
    // trees that share every leaf they have in common, a proof must fail.
    it("fails with any other tree size and that size's root", () => {
      fc.assert(
        fc.property(leafInTree, fc.integer({ min: 1, max: 600 }), ([n, i], other) => {
          fc.pre(other !== n);
          const proof = { ...proofOf(n, i), treeSize: other, root: rootOf(treeOf(other)) };
          expect(verifyInclusion(proof)).to.equal(false);
        }),
        { numRuns: 2000 },
      );
    });

    it("fails when a path element is added or removed", () => {
      fc.assert(
        fc.property(leafInTree, fc.boolean(), ([n, i], add) => {
          const proof = proofOf(n, i);
          fc.pre(add || proof.auditPath.length > 0);
          const auditPath = add ? [...proof.auditPath, proof.root] : proof.auditPath.slice(0, -1);
          expect(verifyInclusion({ ...proof, auditPath })).to.equal(false);
        }),
      );
    });
  });

  describe("bad input", () => {
    it("rejects a proof request outside the tree with a stable code", () => {
      expect(() => getProof(makeTree(leafHashesOf(3)), 3))
        .to.throw()
        .with.property("code", "MERKLE_LEAF_INDEX_OUT_OF_RANGE");
    });

    it("rejects leaf hashes that are not 32 bytes", () => {
      expect(() => makeTree([new Uint8Array(31)]))
        .to.throw()
        .with.property("code", "MERKLE_BAD_LEAF_HASH");
      expect(() => makeTree(new Uint8Array(33)))
        .to.throw()
        .with.property("code", "MERKLE_BAD_LEAF_HASH");
    });

    it("gives no root for indices that are not safe integers", () => {
      const proof = { leafHash: new Uint8Array(32), auditPath: [], treeSize: 1 };
      expect(rootFromProof({ ...proof, leafIndex: -1 })).to.equal(null);
      expect(rootFromProof({ ...proof, leafIndex: 0.5 })).to.equal(null);
    });
  });
});
