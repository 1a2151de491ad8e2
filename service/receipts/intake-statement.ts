import { keccak_256 } from "@noble/hashes/sha3";
import { getAddress, getBytes, TypedDataEncoder, type TypedDataDomain } from "ethers";
import { InvalidInputError } from "../errors";

/**
 * What the operator signs at intake (DESIGN §4).
 *
 * Version 1 (receipts `evidence-receipt/v1`): EIP-191 `personal_sign` over the 32 leaf-hash
 * bytes. It covers the record and nothing else: the anchoring deadline and the ledger the
 * promise was made for ride beside it unauthenticated.
 *
 * Version 2 (receipts `evidence-receipt/v2`): EIP-712 typed data, readable in any wallet,
 *
 *   domain  EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
 *           { name: "EvidenceLedger", version: "1", chainId, verifyingContract: the ledger }
 *   message IntakeStatement(bytes32 leafHash,uint64 anchorDeadline)
 *           { leafHash, anchorDeadline: the deadline in whole seconds since 1970 (UTC) }
 *
 * so the promise is bound to one ledger on one chain, and its deadline cannot be moved.
 */
export type StatementVersion = 1 | 2;

export const INTAKE_DOMAIN_NAME = "EvidenceLedger";
export const INTAKE_DOMAIN_VERSION = "1";
export const INTAKE_STATEMENT_TYPES = {
  IntakeStatement: [
    { name: "leafHash", type: "bytes32" },
    { name: "anchorDeadline", type: "uint64" },
  ],
};

export function intakeDomain(chainId: string, contract: string): TypedDataDomain {
  return {
    name: INTAKE_DOMAIN_NAME,
    version: INTAKE_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(contract.toLowerCase()),
  };
}

/**
 * A UTC time in whole seconds, spelt one way: any fraction is zeros. `Date.parse` reads
 * milliseconds only, so "…:01.0004Z" would pass a check on its value and sign as second 1: one
 * signature, two spellings of what it signed.
 */
export const WHOLE_SECOND_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.0{1,9})?Z$/;

/** The deadline as the statement carries it; refused unless it is a whole second. */
export function deadlineSeconds(anchorDeadline: string): bigint {
  const ms = Date.parse(anchorDeadline);
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || !WHOLE_SECOND_UTC.test(anchorDeadline))
    throw new InvalidInputError(
      "ANCHOR_DEADLINE_INVALID",
      `anchorDeadline ${JSON.stringify(anchorDeadline)} is not a time in whole seconds`,
    );
  return BigInt(ms / 1000);
}

/**
 * The version 2 digest for one ledger, fast: intake hashes every record, and ethers' encoder
 * rebuilds the domain and type hashes each time. Byte-identical to ethers' `TypedDataEncoder`
 * (tested).
 */
export function makeIntakeDigester(
  chainId: string,
  contract: string,
): (leafHash: Uint8Array, anchorDeadline: string) => Uint8Array {
  const separator = getBytes(TypedDataEncoder.hashDomain(intakeDomain(chainId, contract)));
  const typeHashBytes = keccak_256(
    new TextEncoder().encode(
      TypedDataEncoder.from(INTAKE_STATEMENT_TYPES).encodeType("IntakeStatement"),
    ),
  );
  return (leafHash, anchorDeadline) => {
    const struct = new Uint8Array(96);
    struct.set(typeHashBytes, 0);
    struct.set(leafHash, 32);
    const seconds = deadlineSeconds(anchorDeadline);
    new DataView(struct.buffer).setBigUint64(88, seconds);
    const outer = new Uint8Array(66);
    outer.set([0x19, 0x01], 0);
    outer.set(separator, 2);
    outer.set(keccak_256(struct), 34);
    return keccak_256(outer);
  };
}

const PERSONAL_PREFIX = new TextEncoder().encode("\x19Ethereum Signed Message:\n32");

/**
 * The digest of either version's statement for one ledger, fast (see `makeIntakeDigester`):
 * for checks that read back every record, whatever version signed it.
 */
export function makeStatementDigester(
  chainId: string,
  contract: string,
): (version: StatementVersion, leafHash: Uint8Array, anchorDeadline: string) => Uint8Array {
  const v2 = makeIntakeDigester(chainId, contract);
  return (version, leafHash, anchorDeadline) => {
    if (version === 2) return v2(leafHash, anchorDeadline);
    const message = new Uint8Array(PERSONAL_PREFIX.length + 32);
    message.set(PERSONAL_PREFIX, 0);
    message.set(leafHash, PERSONAL_PREFIX.length);
    return keccak_256(message);
  };
}

/** A stored statement version, checked: the column is read back from a database. */
export function statementVersion(value: number): StatementVersion {
  if (value !== 1 && value !== 2)
    throw new InvalidInputError("INTAKE_STATEMENT_UNKNOWN", `unknown intake statement ${value}`);
  return value;
}
