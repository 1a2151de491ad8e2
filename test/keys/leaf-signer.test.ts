import { expect } from "chai";
import { getBytes, hexlify, randomBytes, verifyMessage, Wallet } from "ethers";
import { makeLeafSigner, makeLeafVerifier, startSigningWorker } from "../../service/keys";

describe("leaf signer", () => {
  it("signs exactly as ethers' signMessage does (EIP-191, deterministic RFC 6979)", () => {
    const wallet = Wallet.createRandom();
    const signer = makeLeafSigner(wallet);
    for (let i = 0; i < 100; i++) {
      const leaf = randomBytes(32);
      const signature = signer.signLeaf(leaf);
      expect(signature).to.equal(wallet.signMessageSync(leaf));
      expect(verifyMessage(leaf, signature)).to.equal(wallet.address);
    }
  });

  it("signs on its worker thread byte for byte as in this thread", async () => {
    const wallet = Wallet.createRandom();
    const inThread = makeLeafSigner(wallet);
    const worker = startSigningWorker(wallet, inThread);
    try {
      const leaves = Array.from({ length: 50 }, () => randomBytes(32));
      const [a, b] = await Promise.all([
        worker.signLeaves(leaves.slice(0, 25)),
        worker.signLeaves(leaves.slice(25)),
      ]);
      expect([...a, ...b]).to.deep.equal(leaves.map((leaf) => inThread.signLeaf(leaf)));
    } finally {
      await worker.close();
    }
  });

  it("verifies exactly as ethers' verifyMessage does, on genuine and mutated signatures", () => {
    const operator = Wallet.createRandom();
    const other = Wallet.createRandom();
    const verify = makeLeafVerifier(operator.address);
    const byEthers = (leaf: Uint8Array, signature: string) => {
      try {
        return verifyMessage(leaf, signature) === operator.address;
      } catch {
        return false;
      }
    };
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const cases: { leaf: Uint8Array; signature: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const leaf = randomBytes(32);
      const genuine = getBytes(operator.signMessageSync(leaf));
      const mutate = (change: (b: Uint8Array) => void) => {
        const b = Uint8Array.from(genuine);
        change(b);
        return hexlify(b);
      };
      const highS = mutate((b) => {
        const s = N - BigInt(hexlify(b.subarray(32, 64)));
        b.set(getBytes(`0x${s.toString(16).padStart(64, "0")}`), 32);
        b[64] = b[64] === 27 ? 28 : 27;
      });
      cases.push(
        { leaf, signature: hexlify(genuine) },
        { leaf, signature: mutate((b) => (b[64] = b[64]! - 27)) }, // v as 0/1
        { leaf, signature: mutate((b) => (b[64] = b[64] === 27 ? 28 : 27)) }, // wrong parity
        { leaf, signature: mutate((b) => (b[5] = b[5]! ^ 1)) }, // r flipped
        { leaf, signature: mutate((b) => (b[40] = b[40]! ^ 1)) }, // s flipped
        { leaf, signature: mutate((b) => (b[64] = 5)) }, // invalid v
        { leaf, signature: highS }, // the malleated twin
        { leaf, signature: hexlify(genuine).slice(0, 100) }, // truncated
        { leaf, signature: other.signMessageSync(leaf) }, // someone else
        { leaf: randomBytes(32), signature: hexlify(genuine) }, // another leaf
      );
    }
    const verdicts = cases.map(({ leaf, signature }) => verify(leaf, signature));
    expect(verdicts).to.deep.equal(cases.map(({ leaf, signature }) => byEthers(leaf, signature)));
    expect(verdicts.filter(Boolean).length).to.be.at.least(80); // genuine and v-as-0/1 pass
    expect(verify(randomBytes(32), "not a signature")).to.equal(false);
  });
});
