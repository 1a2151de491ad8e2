import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";
import type { EvidenceLedger } from "../../typechain-types";
import { headOfBatches, type OnChainBatch } from "../../service/anchoring";
import {
  getProof,
  hashLeaf,
  leafHashOf,
  makeTree,
  rootOf,
  verifyInclusion,
} from "../../service/merkle";

const { ethers } = hre;
const root = (label: string) => ethers.sha256(ethers.toUtf8Bytes(label));

async function deployLedger(): Promise<EvidenceLedger> {
  const factory = await ethers.getContractFactory("EvidenceLedger");
  const ledger = await factory.deploy();
  await ledger.waitForDeployment();
  return ledger as unknown as EvidenceLedger;
}

async function batchesOf(ledger: EvidenceLedger, operator: string): Promise<OnChainBatch[]> {
  const count = await ledger.batchCountOf(operator);
  const batches: OnChainBatch[] = [];
  for (let i = 0n; i < count; i++) {
    const [r, firstSeq, n, timestamp, blockNumber] = await ledger.batchOf(operator, i);
    batches.push({ root: ethers.getBytes(r), firstSeq, count: n, timestamp, blockNumber });
  }
  return batches;
}

describe("EvidenceLedger", () => {
  let ledger: EvidenceLedger;
  let operator: string;
  let other: Awaited<ReturnType<typeof ethers.getSigners>>[number];

  beforeEach(async () => {
    ledger = await deployLedger();
    const signers = await ethers.getSigners();
    operator = await signers[0]!.getAddress();
    other = signers[1]!;
  });

  describe("anchor", () => {
    it("stores the first batch with its block and advances next seq", async () => {
      const tx = await ledger.anchor(root("a"), 0, 5);
      const receipt = (await tx.wait())!;
      const block = (await ethers.provider.getBlock(receipt.blockNumber))!;
      const [r, firstSeq, count, timestamp, blockNumber] = await ledger.batchOf(operator, 0);
      expect([r, firstSeq, count, timestamp, blockNumber]).to.deep.equal([
        root("a"),
        0n,
        5n,
        BigInt(block.timestamp),
        BigInt(receipt.blockNumber),
      ]);
      expect(await ledger.nextSeqOf(operator)).to.equal(5n);
      expect(await ledger.batchCountOf(operator)).to.equal(1n);
    });

    it("emits BatchAnchored with the index, range and new head", async () => {
      await ledger.anchor(root("a"), 0, 2);
      const tx = await ledger.anchor(root("b"), 2, 3);
      const head = await ledger.headOf(operator);
      expect(head).not.to.equal(ethers.ZeroHash);
      await expect(tx)
        .to.emit(ledger, "BatchAnchored")
        .withArgs(operator, 1n, root("b"), 2n, 3n, head);
    });

    it("returns the batch index to a static caller", async () => {
      await ledger.anchor(root("a"), 0, 1);
      expect(await ledger.anchor.staticCall(root("b"), 1, 1)).to.equal(1n);
    });

    it("reverts on a zero root", async () => {
      await expect(ledger.anchor(ethers.ZeroHash, 0, 1)).to.be.revertedWithCustomError(
        ledger,
        "EvidenceLedgerZeroRoot",
      );
    });

    it("reverts on a zero count", async () => {
      await expect(ledger.anchor(root("a"), 0, 0)).to.be.revertedWithCustomError(
        ledger,
        "EvidenceLedgerZeroCount",
      );
    });

    it("reverts on a gap with the expected and given seq", async () => {
      await ledger.anchor(root("a"), 0, 3);
      await expect(ledger.anchor(root("b"), 4, 1))
        .to.be.revertedWithCustomError(ledger, "EvidenceLedgerSequenceMismatch")
        .withArgs(operator, 3n, 4n);
    });

    it("reverts on an overlap, so a batch cannot be anchored twice", async () => {
      await ledger.anchor(root("a"), 0, 3);
      await expect(ledger.anchor(root("a"), 0, 3))
        .to.be.revertedWithCustomError(ledger, "EvidenceLedgerSequenceMismatch")
        .withArgs(operator, 3n, 0n);
    });

    it("reverts when the range would overflow 64 bits", async () => {
      const max = 2n ** 64n - 1n;
      await ledger.anchor(root("a"), 0, max - 1n);
      await expect(ledger.anchor(root("b"), max - 1n, 2))
        .to.be.revertedWithCustomError(ledger, "EvidenceLedgerSequenceOverflow")
        .withArgs(max - 1n, 2n);
    });
  });

  describe("views", () => {
    it("reverts batchOf for an unknown index", async () => {
      await expect(ledger.batchOf(operator, 0))
        .to.be.revertedWithCustomError(ledger, "EvidenceLedgerUnknownBatch")
        .withArgs(operator, 0n);
    });

    it("starts every operator at seq 0 with a zero head", async () => {
      expect(await ledger.nextSeqOf(operator)).to.equal(0n);
      expect(await ledger.headOf(operator)).to.equal(ethers.ZeroHash);
      expect(await ledger.batchCountOf(operator)).to.equal(0n);
    });
  });

  describe("operators", () => {
    it("keep independent logs", async () => {
      await ledger.anchor(root("a"), 0, 10);
      await ledger.connect(other).anchor(root("x"), 0, 1);
      expect(await ledger.nextSeqOf(operator)).to.equal(10n);
      expect(await ledger.nextSeqOf(other.address)).to.equal(1n);
      expect((await ledger.batchOf(other.address, 0))[0]).to.equal(root("x"));
      await expect(ledger.connect(other).anchor(root("y"), 10, 1)).to.be.revertedWithCustomError(
        ledger,
        "EvidenceLedgerSequenceMismatch",
      );
    });
  });

  describe("head chain", () => {
    it("recomputed off-chain from batchOf equals headOf", async () => {
      let seq = 0;
      for (const [i, count] of [3, 1, 7, 2].entries()) {
        await ledger.anchor(root(`batch ${i}`), seq, count);
        seq += count;
        const offChain = headOfBatches(await batchesOf(ledger, operator));
        expect(ethers.hexlify(offChain)).to.equal(await ledger.headOf(operator));
      }
    });
  });

  describe("verifyInclusion agrees with the Merkle core", () => {
    const trees = new Map<number, ReturnType<typeof makeTree>>();
    const treeOf = (n: number) => {
      let tree = trees.get(n);
      if (!tree) {
        tree = makeTree(
          Array.from({ length: n }, (_, i) => hashLeaf(ethers.toUtf8Bytes(`record ${i}`))),
        );
        trees.set(n, tree);
      }
      return tree;
    };
    const onChain = (p: {
      leafHash: Uint8Array;
      leafIndex: number;
      treeSize: number;
      auditPath: readonly Uint8Array[];
      root: Uint8Array;
    }) => ledger.verifyInclusion(p.leafHash, p.leafIndex, p.treeSize, [...p.auditPath], p.root);

    it("accepts every leaf of every tree of size 1..33", async () => {
      for (let n = 1; n <= 33; n++) {
        const tree = treeOf(n);
        for (let i = 0; i < n; i++) {
          const proof = {
            leafHash: leafHashOf(tree, i),
            leafIndex: i,
            treeSize: n,
            auditPath: getProof(tree, i),
            root: rootOf(tree),
          };
          expect(await onChain(proof), `leaf ${i} of ${n}`).to.equal(true);
        }
      }
    });

    it("gives the core's verdict on tampered proofs", async () => {
      const tampered = fc.integer({ min: 1, max: 80 }).chain((n) =>
        fc.record({
          n: fc.constant(n),
          i: fc.nat({ max: n - 1 }),
          index: fc.nat({ max: 100 }),
          size: fc.integer({ min: 0, max: 100 }),
          flip: fc.nat(),
        }),
      );
      await fc.assert(
        fc.asyncProperty(tampered, async ({ n, i, index, size, flip }) => {
          const tree = treeOf(n);
          const path = getProof(tree, i).map((p) => Uint8Array.from(p));
          if (path.length > 0) path[flip % path.length]![flip % 32]! ^= 1 + (flip % 255);
          const proof = {
            leafHash: leafHashOf(tree, i),
            leafIndex: index,
            treeSize: size,
            auditPath: path,
            root: rootOf(tree),
          };
          expect(await onChain(proof)).to.equal(verifyInclusion(proof));
        }),
        { numRuns: 300 },
      );
    });
  });
});
