import { expect } from "chai";
import { sameBatch, sameHex32, toHex32 } from "../../service/merkle";

describe("32-byte hex values", () => {
  it("spells every hash one way: 0x-prefixed, lowercase", () => {
    const bare = "AB".repeat(32);
    expect(toHex32(bare)).to.equal(`0x${"ab".repeat(32)}`);
    expect(toHex32(`0X${bare}`)).to.equal(toHex32(`0x${bare.toLowerCase()}`));
    for (const bad of ["", "0x12", "zz".repeat(32), `0x${"ab".repeat(33)}`])
      expect(() => toHex32(bad))
        .to.throw()
        .with.property("code", "HEX32_INVALID");
  });

  it("compares a batch on chain with a stored one by root, range and count", () => {
    const stored = { root: "cd".repeat(32), first_seq: 10, count: 3 };
    const onChain = { root: `0x${"CD".repeat(32)}`, firstSeq: 10, count: 3 };
    expect(sameBatch(onChain, stored)).to.equal(true);
    expect(sameBatch({ ...onChain, count: 4 }, stored)).to.equal(false);
    expect(sameBatch({ ...onChain, firstSeq: 9 }, stored)).to.equal(false);
    expect(sameBatch({ ...onChain, root: `0x${"ce".repeat(32)}` }, stored)).to.equal(false);
  });

  it("compares two hashes in any spelling, and a malformed one with nothing", () => {
    const bare = "ab".repeat(32);
    expect(sameHex32(bare, `0X${bare.toUpperCase()}`)).to.equal(true);
    expect(sameHex32(bare, `0x${"ac".repeat(32)}`)).to.equal(false);
    for (const bad of [undefined, "", "0x", `${bare}00`, "zz".repeat(32)]) {
      expect(sameHex32(bad, bare)).to.equal(false);
      expect(sameHex32(bad, bad)).to.equal(false);
    }
  });
});
