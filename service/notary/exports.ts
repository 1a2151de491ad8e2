import type { Writable } from "node:stream";
import { OverloadError } from "../errors";
import { writeExport, type ExportRequest } from "../exports";
import type { ContentStore, RecordIndex } from "../storage";
import type { Notary } from "./notary";

type ClosingWritable = Writable & { on(event: "close", f: () => void): unknown };

/**
 * Slots for archive-building requests (exports, court bundles), at most `max` at once: each
 * reads much of the ledger or its files, and a bound keeps a burst of them from starving
 * intake. One beyond it is EXPORTS_BUSY (503, retry); a slot frees when its client's
 * connection closes, whether the archive finished or not.
 */
export function makeArchiveSlots(max: number): (out: ClosingWritable) => void {
  let running = 0;
  return (out) => {
    if (running >= max)
      throw new OverloadError(
        "EXPORTS_BUSY",
        `${running} exports or bundles are being built, the most this service builds at once; retry later`,
      );
    running++;
    out.on("close", () => running--);
  };
}

/** Starts exports, each in one of the shared archive slots. */
export function makeExports(deps: {
  store: RecordIndex;
  notary: Notary;
  files: ContentStore;
  slot: (out: ClosingWritable) => void;
}): (request: ExportRequest, out: ClosingWritable) => Promise<void> {
  return async (request, out) => {
    deps.slot(out);
    await writeExport(deps.store, deps.notary, request, out, deps.files.tempDir);
  };
}
