import { createServer } from "node:net";
import { StartRefusal } from "./refusal";

/**
 * Refuses to start when a port the service will listen on is taken, before anything is created
 * on disk: a start that would fail at its last step must not leave a data directory, a key or
 * a deployed contract behind. Port 0 (any free port) is never taken.
 */
export async function assertPortsFree(
  ports: readonly { host: string; port: number; what: string }[],
): Promise<void> {
  for (const { host, port, what } of ports) {
    if (port === 0) continue;
    const taken = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(false)));
    });
    if (taken)
      throw new StartRefusal(
        "PORT_IN_USE",
        `${what} port ${host}:${port} is in use by another process; stop it or choose another (${what === "API" ? "PORT" : "CHAIN_PORT"})`,
      );
  }
}
