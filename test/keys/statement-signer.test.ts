import { expect } from "chai";
import { getBytes, hexlify, randomBytes, recoverAddress, Wallet } from "ethers";
import { makeStatementSigner, makeStatementVerifier, startSigningWorker } from "../../service/keys";

describe("statement signer", () => {
  it("signs exactly as ethers' signing key does (deterministic RFC 6979, low s)", () => {
    const wallet = Wallet.createRandom();
    const signer = makeStatementSigner(wallet);
    for (let i = 0; i < 100; i++) {
      const digest = randomBytes(32);
      const signature = signer.signDigest(digest);
      expect(signature).to.equal(wallet.signingKey.sign(digest).serialized);
      expect(recoverAddress(digest, signature)).to.equal(wallet.address);
    }
  });

  it("signs on its worker thread byte for byte as in this thread", async () => {
    const wallet = Wallet.createRandom();
    const inThread = makeStatementSigner(wallet);
    const worker = startSigningWorker(wallet, inThread);
    try {
      const digests = Array.from({ length: 50 }, () => randomBytes(32));
      const [a, b] = await Promise.all([
        worker.signDigests(digests.slice(0, 25)),
        worker.signDigests(digests.slice(25)),
      ]);
      expect([...a, ...b]).to.deep.equal(digests.map((d) => inThread.signDigest(d)));
    } finally {
      await worker.close();
    }
  });

  it("verifies exactly as ethers' recoverAddress does, on genuine and mutated signatures", () => {
    const operator = Wallet.createRandom();
    const other = Wallet.createRandom();
    const verify = makeStatementVerifier(operator.address);
    const byEthers = (digest: Uint8Array, signature: string) => {
      try {
        return recoverAddress(digest, signature) === operator.address;
      } catch {
        return false;
      }
    };
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const cases: { digest: Uint8Array; signature: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const digest = randomBytes(32);
      const genuine = getBytes(operator.signingKey.sign(digest).serialized);
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
        { digest, signature: hexlify(genuine) },
        { digest, signature: mutate((b) => (b[64] = b[64]! - 27)) }, // v as 0/1
        { digest, signature: mutate((b) => (b[64] = b[64] === 27 ? 28 : 27)) }, // wrong parity
        { digest, signature: mutate((b) => (b[5] = b[5]! ^ 1)) }, // r flipped
        { digest, signature: mutate((b) => (b[40] = b[40]! ^ 1)) }, // s flipped
        { digest, signature: mutate((b) => (b[64] = 5)) }, // invalid v
        { digest, signature: highS }, // the malleated twin
        { digest, signature: hexlify(genuine).slice(0, 100) }, // truncated
        { digest, signature: other.signingKey.sign(digest).serialized }, // someone else
        { digest: randomBytes(32), signature: hexlify(genuine) }, // another digest
      );
    }
    const verdicts = cases.map(({ digest, signature }) => verify(digest, signature));
    expect(verdicts).to.deep.equal(
      cases.map(({ digest, signature }) => byEthers(digest, signature)),
    );
    expect(verdicts.filter(Boolean).length).to.be.at.least(80); // genuine and v-as-0/1 pass
    expect(verify(randomBytes(32), "not a signature")).to.equal(false);
  });
});
