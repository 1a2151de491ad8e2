/**
 * Builds a 1,000,000-leaf tree in a fresh process (so peak RSS is this case's alone), then
 * produces and verifies one proof. `--reference` measures merkletreejs on the same leaves.
 */
import { MerkleTree as ReferenceTree } from "merkletreejs";
import { nativeSha256 } from "../../service/fingerprint/native-sha256";
import { getProof, leafHashOf, makeTree, rootOf, verifyInclusion } from "../../service/merkle";
import { mebibytes, millis, peakRss, report } from "./report";

const LEAVES = 1_000_000;
const reference = process.argv.includes("--reference");

function makeLeafHashes(): Uint8Array {
  const packed = new Uint8Array(LEAVES * 32);
  const counter = new Uint8Array(8);
  const view = new DataView(counter.buffer);
  for (let i = 0; i < LEAVES; i++) {
    view.setBigUint64(0, BigInt(i));
    packed.set(nativeSha256(counter), i * 32);
  }
  return packed;
}

const leaves = makeLeafHashes();
const rssBefore = process.memoryUsage().rss;

if (reference) {
  const buffers = Array.from({ length: LEAVES }, (_, i) =>
    Buffer.from(leaves.subarray(i * 32, (i + 1) * 32)),
  );
  const start = process.hrtime.bigint();
  const tree = new ReferenceTree(buffers, (d: Buffer) => nativeSha256(d), {
    concatenator: (parts: Buffer[]) => Buffer.concat([Buffer.from([1]), ...parts]),
  });
  report({
    case: "merkletreejs 1,000,000 leaves (reference)",
    metric: "build",
    value: `${(millis(start) / 1000).toFixed(2)} s`,
  });
  report({
    case: "merkletreejs 1,000,000 leaves (reference)",
    metric: "peak RSS growth",
    value: mebibytes(peakRss() - rssBefore),
  });
  tree.getRoot();
} else {
  const start = process.hrtime.bigint();
  const tree = makeTree(leaves, { sha256: nativeSha256 });
  const buildMs = millis(start);
  const name = "Merkle core 1,000,000 leaves";
  report({ case: name, metric: "build", value: `${(buildMs / 1000).toFixed(2)} s`, goal: "< 2 s" });
  report({
    case: name,
    metric: "peak RSS growth",
    value: mebibytes(peakRss() - rssBefore),
    goal: "< 400 MB",
  });
  report({ case: name, metric: "peak RSS of the process", value: mebibytes(peakRss()) });

  // Averaged over many leaves: a single call mostly measures the JIT warming up.
  const SAMPLES = 10_000;
  const indices = Array.from({ length: SAMPLES }, (_, k) => (k * 7_919_993) % LEAVES);
  const proofStart = process.hrtime.bigint();
  const proofs = indices.map((leafIndex) => ({ leafIndex, auditPath: getProof(tree, leafIndex) }));
  report({
    case: name,
    metric: "one proof (mean of 10,000)",
    value: `${((millis(proofStart) * 1000) / SAMPLES).toFixed(1)} µs`,
  });

  const root = rootOf(tree);
  const verifyStart = process.hrtime.bigint();
  const failed = proofs.filter(
    (p) =>
      !verifyInclusion({ ...p, leafHash: leafHashOf(tree, p.leafIndex), treeSize: LEAVES, root }),
  ).length;
  report({
    case: name,
    metric: "verify one proof, pure JS (mean of 10,000)",
    value: `${((millis(verifyStart) * 1000) / SAMPLES).toFixed(1)} µs`,
  });
  if (failed > 0) throw new Error(`${failed} benchmark proofs did not verify`);
}
