import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** What verifiers and explorers need to read the ledger; nothing that changes chain state. */
export const READ_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_blockNumber",
  "eth_call",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_feeHistory",
  "eth_maxPriorityFeePerGas",
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

const MAX_BODY = 1 << 20;

/** Answers one JSON-RPC request, or a batch, allowing only `allowed` methods. */
export async function answerJsonRpc(
  body: unknown,
  provider: Eip1193,
  allowed: ReadonlySet<string> = READ_METHODS,
): Promise<unknown> {
  if (Array.isArray(body)) return Promise.all(body.map((one) => answerOne(one, provider, allowed)));
  return answerOne(body, provider, allowed);
}

async function answerOne(
  request: unknown,
  provider: Eip1193,
  allowed: ReadonlySet<string>,
): Promise<unknown> {
  const {
    id = null,
    method,
    params,
  } = (typeof request === "object" && request !== null ? request : {}) as JsonRpcRequest;
  if (typeof method !== "string")
    return { jsonrpc: "2.0", id, error: { code: -32600, message: "invalid request" } };
  if (!allowed.has(method)) {
    return {
      jsonrpc: "2.0",
      id,
      error: {
        code: -32601,
        message: `method ${method} is not available on this read-only endpoint`,
      },
    };
  }
  try {
    const result = await provider.request({ method, params: Array.isArray(params) ? params : [] });
    return { jsonrpc: "2.0", id, result };
  } catch (error) {
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
}

/** Serves `provider` read-only as JSON-RPC over HTTP, so any tool can read the embedded chain. */
export async function serveReadOnlyRpc(
  provider: Eip1193,
  options: { host: string; port: number },
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Headers", "content-type");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (req.method !== "POST") return void res.writeHead(405, { Allow: "POST" }).end();
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return void res.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: null,
            error: { code: -32700, message: "parse error" },
          }),
        );
      }
      answerJsonRpc(body, provider).then(
        (answer) => {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}` };
}
