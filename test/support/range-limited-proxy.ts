import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RangeLimitedProxy {
  url: string;
  /** The block ranges of the `eth_getLogs` calls it answered or refused. */
  logRanges: number[];
  close(): Promise<void>;
}

/** A JSON-RPC proxy that refuses `eth_getLogs` over more than `maxRange` blocks, as public RPCs do. */
export async function rangeLimitedProxy(
  target: string,
  maxRange: number,
): Promise<RangeLimitedProxy> {
  const logRanges: number[] = [];
  const call = async (body: unknown) =>
    (await (
      await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as { result?: unknown };
  const blockOf = async (tag: unknown) => {
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(tag);
    const latest = await call({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] });
    return tag === "earliest" ? 0 : Number(latest.result);
  };
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", async () => {
      const request = JSON.parse(text) as { id: unknown; method: string; params: unknown[] };
      let answer: unknown;
      if (request.method === "eth_getLogs") {
        const filter = request.params[0] as { fromBlock?: string; toBlock?: string };
        const range =
          (await blockOf(filter.toBlock ?? "latest")) -
          (await blockOf(filter.fromBlock ?? "latest")) +
          1;
        logRanges.push(range);
        if (range > maxRange)
          answer = {
            jsonrpc: "2.0",
            id: request.id,
            error: { code: -32005, message: `query exceeds max block range ${maxRange}` },
          };
      }
      answer ??= await call(request);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logRanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
