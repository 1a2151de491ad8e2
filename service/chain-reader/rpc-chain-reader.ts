import { Contract, FetchRequest, JsonRpcProvider, Network, type AbstractProvider } from "ethers";
import type { ChainReader, OnChainBatchView } from "../verify/reader";
import { LEDGER_VIEW_FUNCTIONS } from "../verify/ledger-code";

/** Reads the ledger through any ethers provider (Node or browser). */
export function providerChainReader(provider: AbstractProvider): ChainReader {
  return {
    chainId: async () => (await provider.getNetwork()).chainId.toString(),
    code: (address) => provider.getCode(address),
    async batchOf(contract, operator, batchIndex): Promise<OnChainBatchView | undefined> {
      if ((await provider.getCode(contract)) === "0x") return undefined;
      const ledger = new Contract(contract, LEDGER_VIEW_FUNCTIONS, provider);
      if (BigInt(batchIndex) >= ((await ledger.getFunction("batchCountOf")(operator)) as bigint))
        return undefined;
      const [root, firstSeq, count, timestamp, blockNumber] = (await ledger.getFunction("batchOf")(
        operator,
        batchIndex,
      )) as [string, bigint, bigint, bigint, bigint];
      return {
        root,
        firstSeq: Number(firstSeq),
        count: Number(count),
        timestamp: Number(timestamp),
        blockNumber: Number(blockNumber),
      };
    },
    async block(blockNumber) {
      const block = await provider.getBlock(blockNumber);
      return block?.hash ? { hash: block.hash, timestamp: block.timestamp } : undefined;
    },
    latestBlockNumber: () => provider.getBlockNumber(),
    async transaction(hash) {
      const [tx, receipt] = await Promise.all([
        provider.getTransaction(hash),
        provider.getTransactionReceipt(hash),
      ]);
      if (!tx) return undefined;
      return {
        from: tx.from,
        to: tx.to,
        input: tx.data,
        blockNumber: receipt?.blockNumber ?? null,
        blockHash: receipt?.blockHash ?? null,
        status: receipt?.status ?? null,
        logs: (receipt?.logs ?? []).map((l) => ({
          address: l.address,
          topics: [...l.topics],
          data: l.data,
        })),
      };
    },
    headOf: async (contract, operator) =>
      (await new Contract(contract, LEDGER_VIEW_FUNCTIONS, provider).getFunction("headOf")(
        operator,
      )) as string,
    batchCount: async (contract, operator) =>
      Number(
        await new Contract(contract, LEDGER_VIEW_FUNCTIONS, provider).getFunction("batchCountOf")(
          operator,
        ),
      ),
  };
}

/**
 * A reader over a JSON-RPC URL that fails fast when the node does not answer: the chain id is
 * asked once, directly, because ethers would otherwise retry network detection forever.
 */
export async function rpcChainReader(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<{ reader: ChainReader; close(): void }> {
  const request = () => {
    const r = new FetchRequest(url);
    r.timeout = options.timeoutMs ?? 10_000;
    return r;
  };
  const probe = request();
  probe.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  const answer = (await probe.send()).bodyJson as { result?: string };
  if (typeof answer?.result !== "string") throw new Error(`${url} did not answer eth_chainId`);
  const network = Network.from(BigInt(answer.result));
  const provider = new JsonRpcProvider(request(), network, {
    staticNetwork: network,
    batchMaxCount: 1,
  });
  return { reader: providerChainReader(provider), close: () => provider.destroy() };
}
