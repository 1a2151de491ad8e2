import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StallingProxy {
  url: string;
  /** From now on, requests are held unanswered, as by an RPC endpoint that hangs. */
  stall(): void;
  /** Forwards the held requests and every later one. */
  resume(): void;
  close(): Promise<void>;
}

/** A JSON-RPC proxy in front of `target` that can be made to hang. */
export async function stallingProxy(target: string): Promise<StallingProxy> {
  let stalled = false;
  const held: (() => void)[] = [];
  const forward = async (body: string, res: ServerResponse) => {
    try {
      const answer = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(await answer.text());
    } catch {
      res.destroy();
    }
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (stalled) held.push(() => void forward(body, res));
      else void forward(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: () => (stalled = true),
    resume: () => {
      stalled = false;
      held.splice(0).forEach((release) => release());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
