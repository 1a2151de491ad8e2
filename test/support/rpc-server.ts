import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";

export interface RpcServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the in-process Hardhat chain as JSON-RPC over real HTTP on a free port. */
export async function serveHardhatChain(port = 0): Promise<RpcServer> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port,
    provider: hre.network.provider,
  })) as { listen(): Promise<{ address: string; port: number }>; close(): Promise<void> };
  const listening = await server.listen();
  return { url: `http://127.0.0.1:${listening.port}`, close: () => server.close() };
}
