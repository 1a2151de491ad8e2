import { expect } from "chai";
import { randomBytes, verifyMessage, Wallet } from "ethers";
import { makeLeafSigner } from "../../service/keys";

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
});
