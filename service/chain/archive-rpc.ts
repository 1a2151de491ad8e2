import type { ChainArchive, LogFilter } from "./archive";
import type { Eip1193 } from "./rpc-server";

const CHAIN_ID = 31337;

/**
 * The archive as a read-only JSON-RPC source, in the shape Hardhat's fork mode asks for: old
 * blocks, transactions, receipts and logs as they were served when mined, and account state as
 * it stands at the archive's head (the block a start forks from; other block tags get the same
 * answer, which is only right at the head, and the fork asks for nothing else).
 */
export function archiveProvider(archive: ChainArchive): Eip1193 {
  const headNumber = () => archive.head()?.number ?? 0;
  const blockNumber = (tag: unknown): number => {
    if (tag === "earliest") return 0;
    if (typeof tag === "string" && /^0x[0-9a-f]+$/i.test(tag)) return Number(tag);
    return headNumber(); // latest, safe, finalized, pending
  };
  const methods: Record<string, (params: unknown[]) => unknown> = {
    eth_chainId: () => `0x${CHAIN_ID.toString(16)}`,
    net_version: () => String(CHAIN_ID),
    web3_clientVersion: () => "evidence-notary-chain-archive",
    eth_blockNumber: () => `0x${headNumber().toString(16)}`,
    eth_getBlockByNumber: ([tag, full]) => archive.blockByNumber(blockNumber(tag), full === true),
    eth_getBlockByHash: ([hash, full]) => archive.blockByHash(String(hash), full === true),
    eth_getTransactionByHash: ([hash]) => archive.transaction(String(hash))?.tx ?? null,
    eth_getTransactionReceipt: ([hash]) => archive.transaction(String(hash))?.receipt ?? null,
    eth_getLogs: ([filter]) => archive.logs(toLogFilter(filter, blockNumber, archive)),
    eth_getBalance: ([address]) => archive.account(String(address)).balance,
    eth_getTransactionCount: ([address]) => archive.account(String(address)).nonce,
    eth_getCode: ([address]) => archive.account(String(address)).code,
    eth_getStorageAt: ([address, slot]) => archive.storageAt(String(address), String(slot)),
  };
  return {
    request: async ({ method, params }) => {
      const answer = methods[method];
      if (!answer)
        throw Object.assign(new Error(`the chain archive does not serve ${method}`), {
          code: -32601,
        });
      return answer(params ?? []);
    },
  };
}

function toLogFilter(
  raw: unknown,
  blockNumber: (tag: unknown) => number,
  archive: ChainArchive,
): LogFilter {
  const f = (raw ?? {}) as {
    fromBlock?: unknown;
    toBlock?: unknown;
    blockHash?: string;
    address?: string | string[];
    topics?: (string | string[] | null)[];
  };
  let [from, to] = [blockNumber(f.fromBlock ?? "latest"), blockNumber(f.toBlock ?? "latest")];
  if (f.blockHash) {
    const block = archive.blockByHash(f.blockHash, false) as { number: string } | null;
    from = to = block ? Number(block.number) : -1;
  }
  return {
    fromBlock: from,
    toBlock: to,
    addresses: f.address === undefined ? undefined : [f.address].flat(),
    topics: (f.topics ?? []).slice(0, 4).map((t) => (t === null ? undefined : [t].flat())),
  };
}
