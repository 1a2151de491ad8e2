import { getAddress } from "ethers";
import { isPublishedLedgerCode, LEDGER_VIEW_FUNCTIONS } from "../verify/ledger-code";
import type { Eip1193 } from "./rpc-server";

/**
 * The public face of a chain: only what verifying a receipt needs, bounded in work.
 *
 * WARNING: an open `eth_call` is a free computer. Code that loops until out of gas, sent with a
 * huge gas limit, grew an in-process Hardhat chain to 22 GB until the kernel killed the whole
 * service. So calls go only to published EvidenceLedger code (decided by its code hash, so a
 * look-alike contract gets nothing either), only to its view functions, with a gas cap; every
 * request has a time limit; log searches are bounded; batches are short. What a verifier never
 * needs (balances, storage slots, gas estimates, fee data, sending) is refused.
 */
export interface RpcGuardOptions {
  /** Widest `eth_getLogs` block range (RPC_MAX_LOG_RANGE). */
  maxLogRange: number;
  /** Gas given to each forwarded `eth_call`, whatever the caller asked (RPC_CALL_GAS). */
  callGas: number;
  /** A request not answered within this fails with RPC_TIMEOUT (RPC_TIMEOUT_MS). */
  timeoutMs: number;
}

/** A refusal, answered as a JSON-RPC error whose `data.code` is stable. */
export class RpcRefusal extends Error {
  constructor(
    readonly rpcCode: number,
    readonly refusal: RpcRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type RpcRefusalCode =
  | "RPC_METHOD_NOT_ALLOWED"
  | "RPC_PARAMS_INVALID"
  | "RPC_CALL_NOT_ALLOWED"
  | "RPC_LOG_RANGE_TOO_WIDE"
  | "RPC_BATCH_TOO_LARGE"
  | "RPC_TIMEOUT"
  | "RPC_RATE_LIMITED";

/** Requests in one JSON-RPC batch; a verifier sends one at a time. */
export const MAX_RPC_BATCH = 20;

/** Methods answered as they are: cheap reads of one thing each. */
const PASS_THROUGH: ReadonlySet<string> = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  // A verifier checks the ledger's code hash; reading code costs the node one lookup.
  "eth_getCode",
]);

const VIEW_SELECTORS = new Set<string>();
LEDGER_VIEW_FUNCTIONS.forEachFunction((f) => VIEW_SELECTORS.add(f.selector));

const invalid = (message: string) => new RpcRefusal(-32602, "RPC_PARAMS_INVALID", message);

/** Wraps `provider` so that only the guarded, bounded subset of JSON-RPC reaches it. */
export function guardRpc(provider: Eip1193, options: RpcGuardOptions): Eip1193 {
  const { callGas, timeoutMs } = options;
  // Code never changes at an address that has it (no SELFDESTRUCT after Cancun), so a verdict
  // on an address is cached; an address without code is asked again next time.
  const ledgerVerdicts = new Map<string, boolean>();

  const isLedger = async (address: string): Promise<boolean> => {
    const known = ledgerVerdicts.get(address);
    if (known !== undefined) return known;
    const code = (await provider.request({
      method: "eth_getCode",
      params: [address, "latest"],
    })) as string;
    if (code === "0x") return false;
    const verdict = isPublishedLedgerCode(code);
    if (ledgerVerdicts.size < 1_000) ledgerVerdicts.set(address, verdict);
    return verdict;
  };

  const admit = async (method: string, params: unknown[]): Promise<unknown[]> => {
    if (PASS_THROUGH.has(method)) return params;
    if (method === "eth_call") return admitCall(params);
    if (method === "eth_getLogs") return admitLogs(params);
    throw new RpcRefusal(
      -32601,
      "RPC_METHOD_NOT_ALLOWED",
      `method ${method} is not served here: this endpoint answers only what verifying a receipt needs`,
    );
  };

  const admitCall = async (params: unknown[]): Promise<unknown[]> => {
    const [call, block = "latest"] = params;
    if (typeof call !== "object" || call === null) throw invalid("eth_call takes a call object");
    const { to, data, input, value } = call as Record<string, unknown>;
    const payload = data ?? input;
    if (typeof to !== "string" || typeof payload !== "string")
      throw invalid("eth_call needs `to` and `data`");
    let address: string;
    try {
      address = getAddress(to);
    } catch {
      throw invalid("`to` is not an address");
    }
    if (value !== undefined && value !== "0x0" && value !== "0x" && value !== 0)
      throw new RpcRefusal(-32602, "RPC_CALL_NOT_ALLOWED", "calls here carry no value");
    const selector = payload.slice(0, 10).toLowerCase();
    if (!VIEW_SELECTORS.has(selector) || !(await isLedger(address)))
      throw new RpcRefusal(
        -32602,
        "RPC_CALL_NOT_ALLOWED",
        "only the EvidenceLedger's view functions may be called here",
      );
    // Only what the call needs: no `from` (no impersonated balance), a fixed gas cap.
    return [{ to: address, data: payload, gas: `0x${callGas.toString(16)}` }, block];
  };

  const admitLogs = async (params: unknown[]): Promise<unknown[]> => {
    const [filter] = params;
    if (typeof filter !== "object" || filter === null) throw invalid("eth_getLogs takes a filter");
    const f = filter as Record<string, unknown>;
    if (typeof f.blockHash === "string") return [filter];
    const latest = async () =>
      Number(await provider.request({ method: "eth_blockNumber", params: [] }));
    const from = await blockNumberOf(f.fromBlock ?? "latest", latest);
    const to = await blockNumberOf(f.toBlock ?? "latest", latest);
    if (to - from + 1 > options.maxLogRange)
      throw new RpcRefusal(
        -32005,
        "RPC_LOG_RANGE_TOO_WIDE",
        `block range too wide: at most ${options.maxLogRange} blocks per eth_getLogs`,
      );
    return [filter];
  };

  return {
    async request({ method, params }) {
      const admitted = await admit(method, Array.isArray(params) ? params : []);
      return withTimeout(provider.request({ method, params: admitted }), timeoutMs);
    },
  };
}

async function blockNumberOf(tag: unknown, latest: () => Promise<number>): Promise<number> {
  if (tag === "earliest") return 0;
  if (tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending")
    return latest();
  if (typeof tag === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(tag)) return Number(tag);
  throw invalid("fromBlock and toBlock are block numbers (hex) or tags");
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RpcRefusal(-32603, "RPC_TIMEOUT", `no answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
