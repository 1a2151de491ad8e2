import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { guardRpc, MAX_RPC_BATCH, RpcRefusal, type RpcGuardOptions } from "./rpc-guard";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/**
 * What a Hardhat fork of the chain archive reads from it, on loopback inside the process:
 * nothing that changes chain state. Never served to the public (see `rpc-guard.ts`).
 */
export const ARCHIVE_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_blockNumber",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_getLogs",
]);

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

const MAX_BODY = "256kb";

/** Answers one JSON-RPC request, or a batch of at most MAX_RPC_BATCH, through `provider`. */
export async function answerJsonRpc(
  body: unknown,
  provider: Eip1193,
  allowed?: ReadonlySet<string>,
): Promise<unknown> {
  if (!Array.isArray(body)) return answerOne(body, provider, allowed);
  if (body.length === 0 || body.length > MAX_RPC_BATCH)
    return rpcError(
      null,
      new RpcRefusal(-32600, "RPC_BATCH_TOO_LARGE", `a batch holds 1 to ${MAX_RPC_BATCH} requests`),
    );
  return Promise.all(body.map((one) => answerOne(one, provider, allowed)));
}

async function answerOne(
  request: unknown,
  provider: Eip1193,
  allowed: ReadonlySet<string> | undefined,
): Promise<unknown> {
  const {
    id = null,
    method,
    params,
  } = (typeof request === "object" && request !== null ? request : {}) as JsonRpcRequest;
  if (typeof method !== "string")
    return { jsonrpc: "2.0", id, error: { code: -32600, message: "invalid request" } };
  if (allowed && !allowed.has(method))
    return rpcError(
      id,
      new RpcRefusal(-32601, "RPC_METHOD_NOT_ALLOWED", `method ${method} is not served here`),
    );
  try {
    const result = await provider.request({ method, params: Array.isArray(params) ? params : [] });
    return { jsonrpc: "2.0", id, result };
  } catch (error) {
    return rpcError(id, error);
  }
}

function rpcError(id: unknown, error: unknown): unknown {
  if (error instanceof RpcRefusal)
    return {
      jsonrpc: "2.0",
      id,
      error: { code: error.rpcCode, message: error.message, data: { code: error.refusal } },
    };
  const e = error as { code?: number; message?: string; data?: unknown };
  return {
    jsonrpc: "2.0",
    id,
    error: {
      code: typeof e.code === "number" ? e.code : -32603,
      message: e.message ?? "internal error",
      data: e.data,
    },
  };
}

/** Who may use a public endpoint how much: requests per client address and window. */
export interface RpcRateLimit {
  requests: number;
  windowMs: number;
  /** Where the counts are kept: this process's memory unless given (replicas share one). */
  store?: Store;
}

/** A public endpoint: the guard, and a rate per client address. */
export interface PublicRpcOptions extends RpcGuardOptions {
  rate: RpcRateLimit;
}

/**
 * CORS for the RPC: any page may read through it, the bundle's offline page (origin null) too:
 * what it serves is public, so cross-origin reads give nothing away.
 */
export const rpcCors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "content-type");
  if (req.method === "OPTIONS") return void res.status(204).end();
  next();
};

/**
 * The handlers of `POST` answering JSON-RPC: through the guard with a rate per address when
 * `publicFace` is given (the chain port, `/v1/rpc`), or through the `allowed` list alone
 * (loopback inside the process).
 */
export function rpcHandlers(
  provider: Eip1193,
  options: { publicFace: PublicRpcOptions } | { allowed: ReadonlySet<string> },
): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  let target = provider;
  let allowed: ReadonlySet<string> | undefined;
  if ("publicFace" in options) {
    target = guardRpc(provider, options.publicFace);
    handlers.push(
      rateLimit({
        windowMs: options.publicFace.rate.windowMs,
        limit: options.publicFace.rate.requests,
        ...(options.publicFace.rate.store && { store: options.publicFace.rate.store }),
        standardHeaders: "draft-8",
        legacyHeaders: false,
        handler: (_req, res) =>
          void res
            .status(429)
            .json(
              rpcError(
                null,
                new RpcRefusal(
                  -32005,
                  "RPC_RATE_LIMITED",
                  "too many requests from this address; wait and try again",
                ),
              ),
            ),
      }),
    );
  } else allowed = options.allowed;
  handlers.push(express.json({ limit: MAX_BODY }), async (req, res) => {
    res.json(await answerJsonRpc(req.body, target, allowed));
  });
  return handlers;
}

const rpcBodyError: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => {
  const tooLarge = error?.type === "entity.too.large";
  res.status(tooLarge ? 413 : 400).json({
    jsonrpc: "2.0",
    id: null,
    error: tooLarge
      ? { code: -32600, message: `the body is larger than ${MAX_BODY}` }
      : { code: -32700, message: "parse error" },
  });
};

/** Serves `provider` as JSON-RPC over HTTP, so any tool can read the embedded chain. */
export async function serveReadOnlyRpc(
  provider: Eip1193,
  options: { host: string; port: number } & (
    { publicFace: PublicRpcOptions } | { allowed: ReadonlySet<string> }
  ),
): Promise<{ server: Server; url: string }> {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(rpcCors);
  app.post("/", ...rpcHandlers(provider, options));
  app.use((_req, res) => void res.status(405).setHeader("Allow", "POST").end());
  app.use(rpcBodyError);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}` };
}
