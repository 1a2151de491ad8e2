import { InvariantError } from "../errors";

/**
 * A 32-byte value (a hash, a root, a transaction or block hash) spelled one way: 0x-prefixed
 * lowercase hex. The database keeps roots and leaf hashes bare, the chain and receipts with
 * `0x`, and hex may arrive in either case; values are compared only in this spelling.
 */
export type Hex32 = string & { readonly __hex32: unique symbol };

export function toHex32(value: string): Hex32 {
  const lower = value.toLowerCase();
  const spelled = lower.startsWith("0x") ? lower : `0x${lower}`;
  if (!/^0x[0-9a-f]{64}$/.test(spelled))
    throw new InvariantError("HEX32_INVALID", `${JSON.stringify(value)} is not 32 bytes of hex`);
  return spelled as Hex32;
}

/** Whether two spellings name the same 32 bytes; a value that is not 32 bytes matches nothing. */
export function sameHex32(a: string | undefined, b: string | undefined): boolean {
  const valid = (v: string | undefined) => v !== undefined && /^(0[xX])?[0-9a-fA-F]{64}$/.test(v);
  return valid(a) && valid(b) && toHex32(a!) === toHex32(b!);
}

/** The same batch, as the chain and a ledger describe it: root, first seq and record count. */
export function sameBatch(
  onChain: { root: string; firstSeq: number; count: number },
  stored: { root: string; first_seq: number; count: number },
): boolean {
  return (
    toHex32(onChain.root) === toHex32(stored.root) &&
    onChain.firstSeq === stored.first_seq &&
    onChain.count === stored.count
  );
}
