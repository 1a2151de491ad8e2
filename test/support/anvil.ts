import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, parseEther } from "ethers";

/** anvil's binary, from the registry package `@foundry-rs/anvil` (its platform package). */
export const ANVIL_BIN =
  process.env.ANVIL_PATH ??
  join(
    __dirname,
    "..",
    "..",
    "node_modules",
    "@foundry-rs",
    `anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`,
    "bin",
    "anvil",
  );

export interface TestAnvil {
  rpcUrl: string;
  provider: JsonRpcProvider;
  /** A raw JSON-RPC call (anvil_* and evm_* methods included). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** A fresh key with `ether` ETH, for an operator that shares the chain with no one. */
  fundedKey(ether?: string): Promise<Wallet>;
  close(): Promise<void>;
}

/**
 * anvil (Foundry's EVM node, a separate implementation from Hardhat's EDR) on a free port, for
 * tests of anchoring on a "real" network: slow blocks, fee spikes, reorgs.
 */
export async function startAnvil(
  options: { blockTime?: number; chainId?: number } = {},
): Promise<TestAnvil> {
  const args = ["--port", "0", "--host", "127.0.0.1"];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child: ChildProcess = spawn(ANVIL_BIN, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`anvil did not start: ${out}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`anvil exited (${code}): ${out}`)));
  });
  // Keep reading, or a full pipe would stall anvil.
  child.stdout!.resume();
  child.stderr!.resume();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(rpcUrl, undefined, {
    staticNetwork: true,
    polling: true,
    pollingInterval: 200,
    // Tests read state right after changing it: no 250 ms cache of reads.
    cacheTimeout: -1,
  });
  const rpc = <T>(method: string, params: unknown[] = []) =>
    provider.send(method, params) as Promise<T>;
  return {
    rpcUrl,
    provider,
    rpc,
    fundedKey: async (ether = "10") => {
      const key = Wallet.createRandom();
      await rpc("anvil_setBalance", [key.address, `0x${parseEther(ether).toString(16)}`]);
      return new Wallet(key.privateKey, provider);
    },
    close: async () => {
      provider.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
