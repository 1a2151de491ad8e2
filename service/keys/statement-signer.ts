import { computeAddress, getBytes, Signature, type Wallet } from "ethers";
import secp256k1 from "secp256k1";

/**
 * Signs intake statements: the operator's key over a statement's 32-byte digest (see
 * receipts/intake-statement.ts for what is hashed), as `r ‖ s ‖ v`, low s, v = 27 + recovery id.
 */
export interface StatementSigner {
  readonly address: string;
  signDigest(digest: Uint8Array): string;
  /** The same for many digests, possibly off this thread. */
  signDigests(digests: readonly Uint8Array[]): Promise<string[]>;
}

/**
 * The operator's intake signer on libsecp256k1 (the `secp256k1` package's bundled native
 * build; it falls back to pure JS where that cannot load). Signing is the largest per-record
 * cost at intake and the native code is about seven times faster than ethers' pure-JS signer;
 * the signature is byte-identical (RFC 6979).
 */
export function makeStatementSigner(
  wallet: Pick<Wallet, "address" | "privateKey">,
): StatementSigner {
  const privateKey = getBytes(wallet.privateKey);
  const signDigest = (digest: Uint8Array) => {
    const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
    const out = new Uint8Array(65);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return `0x${Buffer.from(out).toString("hex")}`;
  };
  return {
    address: wallet.address,
    signDigest,
    signDigests: async (digests) => digests.map(signDigest),
  };
}

/**
 * Recovers who signed a digest, as ethers' `recoverAddress(digest, signature)` does, with the
 * recovery on libsecp256k1: audits and export checks recover every record's signature, and
 * ethers' pure-JS recovery (about 1.7 ms each here) would spend half an hour on a million.
 * ethers still parses the signature, so what is accepted (v, s, length) cannot drift from the
 * public verifier's rules; the address is derived once per public key (a ledger has one).
 */
export function makeStatementRecovery(): (
  digest: Uint8Array,
  signature: string,
) => string | undefined {
  const addresses = new Map<string, string>();
  return (digest, signature) => {
    let publicKey: Uint8Array;
    try {
      const sig = Signature.from(signature);
      const compact = getBytes(`${sig.r}${sig.s.slice(2)}`);
      publicKey = secp256k1.ecdsaRecover(compact, sig.yParity, digest, false);
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

/** Whether the operator at `address` signed a digest (see `makeStatementRecovery`). */
export function makeStatementVerifier(
  address: string,
): (digest: Uint8Array, signature: string) => boolean {
  const expected = address.toLowerCase();
  const recover = makeStatementRecovery();
  return (digest, signature) => recover(digest, signature)?.toLowerCase() === expected;
}
