import {
  BrowserProvider,
  FetchRequest,
  JsonRpcProvider,
  Network,
  parseEther,
  Wallet,
  type AbstractProvider,
} from "ethers";
import type { Server } from "node:http";
import { loadConfig } from "../config";
import { EmbeddedChain } from "./embedded-chain";
import { serveReadOnlyRpc, type Eip1193, type PublicRpcOptions } from "./rpc-server";

/** Hardhat's well-known first development account: funds the operator on the embedded chain only. */
const DEV_FUNDER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface ChainConnection {
  kind: "embedded" | "external";
  provider: AbstractProvider;
  /** The same chain as a raw EIP-1193 request function, for the read-only RPC proxy. */
  eip1193: Eip1193;
  broadcast(rawTx: string): Promise<void>;
  /** The read-only JSON-RPC URL of the embedded chain; null for an external chain. */
  rpcUrl: string | null;
  description: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Serve JSON-RPC at all (false for tests that only need the provider). */
  serve?: boolean;
  /** Open without writing, beside a running service (the audit). */
  readOnly?: boolean;
  /** Hears of failures in background work (the archive's checkpoints). */
  onWarning?: (message: string) => void;
  /** The served port's guard and rate (when not given: the configuration's defaults). */
  publicRpc?: PublicRpcOptions;
}

export async function connectEmbedded(
  options: EmbeddedOptions,
): Promise<ChainConnection & { chain: EmbeddedChain }> {
  const chain = await EmbeddedChain.open(options.dir, {
    readOnly: options.readOnly,
    onWarning: options.onWarning,
  });
  // cacheTimeout -1: ethers would otherwise cache a pending nonce for 250 ms.
  const provider = new BrowserProvider(chain.provider, undefined, {
    cacheTimeout: -1,
    polling: true,
    pollingInterval: 50,
  } as never);
  let server: Server | undefined;
  let rpcUrl: string | null = null;
  if (options.serve !== false) {
    ({ server, url: rpcUrl } = await serveReadOnlyRpc(chain.provider, {
      host: options.host,
      port: options.port,
      publicFace: options.publicRpc ?? loadConfig({}).chain.publicRpc,
    }));
  }
  return {
    kind: "embedded",
    chain,
    provider,
    eip1193: chain.provider,
    broadcast: async (rawTx) => void (await chain.submit(rawTx)),
    rpcUrl,
    description: `embedded hardhat chain 31337 (${chain.forkedAt === null ? "from genesis" : `forked from archived block ${chain.forkedAt}`}, ${chain.replayedBlocks} blocks replayed)${rpcUrl ? ` served at ${rpcUrl}` : ""}`,
    close: async () => {
      provider.destroy();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server?.closeAllConnections();
      await chain.close();
    },
  };
}

export function connectExternal(
  url: string,
  options: { chainId?: string; timeoutMs?: number } = {},
): ChainConnection {
  const request = new FetchRequest(url);
  // A stalled node must fail a step fast, so anchoring backs off instead of hanging.
  request.timeout = options.timeoutMs ?? 15_000;
  // With a known chain id, start even while the node is down: intake never waits for the chain.
  const network = options.chainId ? Network.from(BigInt(options.chainId)) : undefined;
  const provider = new JsonRpcProvider(request, network, {
    staticNetwork: network ?? false,
    pollingInterval: 1_000,
    // ethers answers repeated reads from a 250 ms cache by default: anchoring decides nonces
    // and confirmations from what it reads, and a stale transaction count signs a used nonce.
    cacheTimeout: -1,
  } as never);
  const safe = new URL(url);
  safe.username = "";
  safe.password = "";
  return {
    kind: "external",
    provider,
    eip1193: { request: ({ method, params }) => provider.send(method, params ?? []) },
    broadcast: async (rawTx) => void (await provider.broadcastTransaction(rawTx)),
    rpcUrl: null,
    description: `external chain at ${safe.origin}`,
    close: async () => provider.destroy(),
  };
}

/** Gives the operator gas money on the embedded chain, once, from the development funder. */
export async function fundOnEmbedded(connection: ChainConnection, operator: string): Promise<void> {
  if ((await connection.provider.getBalance(operator)) > 0n) return;
  const funder = new Wallet(DEV_FUNDER_KEY);
  const [nonce, fees] = await Promise.all([
    connection.provider.getTransactionCount(funder.address, "pending"),
    connection.provider.getFeeData(),
  ]);
  const rawTx = await funder.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce,
    to: operator,
    value: parseEther("1000"),
    gasLimit: 21_000n,
    maxFeePerGas: fees.maxFeePerGas ?? 1n,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
  });
  await connection.broadcast(rawTx);
}
