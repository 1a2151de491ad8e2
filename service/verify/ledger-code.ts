import { Interface, keccak256 } from "ethers";

/**
 * Every published build of `contracts/EvidenceLedger.sol`, by the keccak-256 of its runtime
 * code (what `eth_getCode` returns). A look-alike contract (its `anchor` allowed to overwrite a
 * batch, say) answers the same view functions with whatever its operator wants, so a receipt
 * is only as good as the code it was anchored in: verifiers refuse any other code
 * (`LEDGER_CODE_UNKNOWN`). A new build is added here, never replaces an old one, so receipts
 * anchored in an earlier build keep verifying. The README prints these hashes for verifiers
 * written elsewhere.
 */
export const PUBLISHED_LEDGER_BUILDS: readonly {
  runtimeCodeHash: string;
  solc: string;
  note: string;
}[] = [
  {
    runtimeCodeHash: "0x2eb62eaebfd97794ba53fdd4b8efe2d161113a7ad7f335309a1b09add9e64926",
    solc: "0.8.28, optimizer 10,000 runs, evmVersion cancun",
    note: "EvidenceLedger v1, the only build so far",
  },
];

/** Whether `code` (hex runtime bytecode) is a published EvidenceLedger build. */
export function isPublishedLedgerCode(code: string): boolean {
  if (!/^0x[0-9a-fA-F]*$/.test(code) || code.length <= 2) return false;
  const hash = keccak256(code).toLowerCase();
  return PUBLISHED_LEDGER_BUILDS.some((build) => build.runtimeCodeHash === hash);
}

/** The ledger's read-only functions: the only calls a public RPC endpoint forwards. */
export const LEDGER_VIEW_FUNCTIONS = new Interface([
  "function batchOf(address operator, uint256 batchIndex) view returns (bytes32 root, uint64 firstSeq, uint64 count, uint64 timestamp, uint64 blockNumber)",
  "function batchCountOf(address operator) view returns (uint256)",
  "function nextSeqOf(address operator) view returns (uint64)",
  "function headOf(address operator) view returns (bytes32)",
  "function verifyInclusion(bytes32 leafHash, uint256 leafIndex, uint256 treeSize, bytes32[] proof, bytes32 root) pure returns (bool)",
]);
