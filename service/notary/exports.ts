import type { Writable } from "node:stream";
import { OverloadError } from "../errors";
import { writeExport, type ExportRequest } from "../exports";
import type { FileStore, LedgerStore } from "../storage";
import type { Notary } from "./notary";

/**
 * Starts exports, at most `maxConcurrent` at once: each reads the whole selection, and a bound
 * keeps a burst of them from starving intake. One beyond it is EXPORTS_BUSY (503, retry).
 */
export function makeExports(deps: {
  store: LedgerStore;
  notary: Notary;
  files: FileStore;
  maxConcurrent: number;
}): (
  request: ExportRequest,
  out: Writable & { on(event: "close", f: () => void): unknown },
) => Promise<void> {
  let running = 0;
  return async (request, out) => {
    if (running >= deps.maxConcurrent)
      throw new OverloadError(
        "EXPORTS_BUSY",
        `${running} exports are running, the most this service runs at once; retry later`,
      );
    running++;
    out.on("close", () => running--);
    await writeExport(deps.store, deps.notary, request, out, deps.files.tempDir);
  };
}
