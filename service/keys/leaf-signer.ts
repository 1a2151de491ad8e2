import { computeAddress, getBytes, hashMessage, Signature, type Wallet } from "ethers";
import secp256k1 from "secp256k1";

/** Signs intake receipts: EIP-191 (`personal_sign`) over the 32 leaf-hash bytes. */
export interface LeafSigner {
  readonly address: string;
  signLeaf(leafHash: Uint8Array): string;
  /** The same for many leaves, possibly off this thread. */
  signLeaves(leafHashes: readonly Uint8Array[]): Promise<string[]>;
}

/**
 * The operator's intake signer on libsecp256k1 (the `secp256k1` package's bundled native
 * build; it falls back to pure JS where that cannot load). Signing is the largest per-record
 * cost at intake and the native code is about seven times faster than ethers' pure-JS signer;
 * the signature is byte-identical in format (r ‖ s ‖ v, low s, v = 27 + recovery id).
 */
export function makeLeafSigner(wallet: Pick<Wallet, "address" | "privateKey">): LeafSigner {
  const privateKey = getBytes(wallet.privateKey);
  const signLeaf = (leafHash: Uint8Array) => {
    const digest = getBytes(hashMessage(leafHash));
    const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
    const out = new Uint8Array(65);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return `0x${Buffer.from(out).toString("hex")}`;
  };
  return {
    address: wallet.address,
    signLeaf,
    signLeaves: async (leaves) => leaves.map(signLeaf),
  };
}

/**
 * Recovers who signed a leaf, as ethers' `verifyMessage(leaf, signature)` does, with the
 * recovery on libsecp256k1: audits and export checks recover every record's signature, and
 * ethers' pure-JS recovery (about 1.7 ms each here) would spend half an hour on a million.
 * ethers still parses the signature, so what is accepted (v, s, length) cannot drift from the
 * public verifier's rules; the address is derived once per public key (a ledger has one).
 */
export function makeLeafSignerRecovery(): (
  leafHash: Uint8Array,
  signature: string,
) => string | undefined {
  const addresses = new Map<string, string>();
  return (leafHash, signature) => {
    let publicKey: Uint8Array;
    try {
      const sig = Signature.from(signature);
      const compact = getBytes(`${sig.r}${sig.s.slice(2)}`);
      publicKey = secp256k1.ecdsaRecover(
        compact,
        sig.yParity,
        getBytes(hashMessage(leafHash)),
        false,
      );
    } catch {
      return undefined;
    }
    const key = Buffer.from(publicKey).toString("hex");
    let address = addresses.get(key);
    if (address === undefined) {
      address = computeAddress(`0x${key}`);
      if (addresses.size < 16) addresses.set(key, address);
    }
    return address;
  };
}

/** Whether the operator at `address` signed a leaf (see `makeLeafSignerRecovery`). */
export function makeLeafVerifier(
  address: string,
): (leafHash: Uint8Array, signature: string) => boolean {
  const expected = address.toLowerCase();
  const recover = makeLeafSignerRecovery();
  return (leafHash, signature) => recover(leafHash, signature)?.toLowerCase() === expected;
}
