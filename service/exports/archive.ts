import archiver from "archiver";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { InvalidInputError } from "../errors";
import type { ManifestEntry } from "./manifest";

/** Per stream: large enough that waiting for a drain (a thread-pool round trip) is rare. */
export const BUFFER_BYTES = 1 << 20;

/** Writes to a stream with backpressure, hashing and counting what it wrote. */
export class HashingWriter {
  private readonly hash = createHash("sha256");
  bytes = 0;

  constructor(
    private readonly stream: Writable,
    private readonly aborted: () => Error | undefined,
    /** Aborted when the archive stops: a write waiting for a drain that will never come wakes. */
    private readonly signal: AbortSignal,
  ) {
    // WARNING: a write to a stream destroyed meanwhile (the client went away, the archive
    // stopped) is reported as an "error" event; unheard, it would end the process. It is
    // heard here and thrown by the next write or wait instead.
    stream.on("error", () => undefined);
  }

  async write(data: string | Uint8Array): Promise<void> {
    const failure = this.aborted() ?? this.stream.errored ?? undefined;
    if (failure) throw failure;
    if (this.stream.destroyed) throw new ExportAbortedError();
    const chunk = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await this.wait("drain");
  }

  async end(): Promise<string> {
    this.stream.end();
    if (!(this.stream instanceof PassThrough)) await this.wait("close");
    return this.hash.digest("hex");
  }

  private async wait(event: string): Promise<void> {
    try {
      await once(this.stream, event, { signal: this.signal });
    } catch (error) {
      throw this.aborted() ?? error;
    }
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** The client went away before the archive was complete: its doing, so not a server error. */
export class ExportAbortedError extends InvalidInputError {
  constructor() {
    super(
      "EXPORT_ABORTED",
      "the export's client closed the connection before the archive was complete",
    );
  }
}

/**
 * A ZIP streamed to `out` whose entries are hashed as they are written, for a manifest that
 * lists each with its SHA-256 and size, the manifest then notarised (exports, court bundles).
 * Entries are written one after another with backpressure, so memory stays flat whatever their
 * size. A client that goes away stops it; an archive abandoned before its manifest is sealed is
 * never notarised.
 */
export class NotarisedArchive {
  readonly entries: ManifestEntry[] = [];
  private readonly archive = archiver("zip", { zlib: { level: 1 } });
  private failure: Error | undefined;
  // WARNING: when the client goes away, the archive stops reading its entries, so a write
  // waiting for their drain would wait for ever: the stop aborts every such wait.
  private readonly stopped = new AbortController();
  private readonly finished: Promise<void>;
  /** Entries appended that the archive has not yet written out (see `seal`). */
  private readonly unwritten = new Set<string>();
  private allWritten: (() => void) | undefined;

  constructor(out: Writable) {
    this.archive.on("entry", (data: { name: string }) => {
      this.unwritten.delete(data.name);
      if (this.unwritten.size === 0) this.allWritten?.();
    });
    this.finished = new Promise<void>((resolve, reject) => {
      out.on("finish", resolve);
      out.on("close", () => {
        this.failure ??= new ExportAbortedError();
        this.stopped.abort(this.failure);
        reject(this.failure);
      });
      this.archive.on("error", (error) => {
        this.failure ??= error;
        this.stopped.abort(this.failure);
        reject(this.failure);
      });
    });
    this.finished.catch(() => undefined); // observed in seal(); not unhandled before then
    this.archive.pipe(out);
  }

  /** Why the archive stopped, if it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  get signal(): AbortSignal {
    return this.stopped.signal;
  }

  /** A writer to a file outside the archive (scratch), hashed, stopped with the archive. */
  writerTo(stream: Writable): HashingWriter {
    return new HashingWriter(stream, () => this.failure, this.stopped.signal);
  }

  /** An entry whose bytes `produce` writes now, streamed straight into the archive. */
  async streamed(
    name: string,
    produce: (w: HashingWriter) => Promise<number>,
    options: { store?: boolean } = {},
  ): Promise<void> {
    const stream = new PassThrough({ highWaterMark: BUFFER_BYTES });
    this.unwritten.add(name);
    this.archive.append(stream, { name, ...(options.store && { store: true }) });
    const writer = this.writerTo(stream);
    const rows = await produce(writer);
    this.entries.push({ name, sha256: await writer.end(), bytes: writer.bytes, rows });
  }

  /** An entry copied from a stream (a stored file), stored uncompressed: evidence is binary. */
  async copied(name: string, source: Readable): Promise<string> {
    await this.streamed(
      name,
      async (w) => {
        for await (const chunk of source) await w.write(chunk as Buffer);
        return 0;
      },
      { store: true },
    );
    return this.entries[this.entries.length - 1]!.sha256;
  }

  /** An entry already made in memory (a page, a certificate). */
  async bytes(name: string, content: string | Uint8Array): Promise<void> {
    await this.streamed(name, async (w) => {
      await w.write(content);
      return 0;
    });
  }

  /** An entry whose bytes were written elsewhere (a scratch file) and hashed there. */
  appendWritten(entry: ManifestEntry, source: Readable): void {
    this.entries.push(entry);
    this.unwritten.add(entry.name);
    this.archive.append(source, { name: entry.name });
  }

  onEntry(listener: (name: string) => void): void {
    this.archive.on("entry", (data) => listener(data.name));
  }

  /**
   * Writes the manifest, notarises its digest through `notarise` (which gives the receipt to
   * add), and finishes the archive. Nothing is notarised if the archive failed before.
   */
  async seal<R>(
    manifest: object,
    notarise: (manifestSha256: string) => Promise<{ receipt: unknown; result: R }>,
    receiptName: string,
  ): Promise<R> {
    // WARNING: entries written to scratch files first are complete long before the client has
    // them; notarising then would notarise an export a client that went away never received.
    // The manifest is notarised once the archive has written out every entry before it.
    await this.everyEntryWritten();
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
    this.archive.append(manifestBytes, { name: "manifest.json" });
    if (this.failure) throw this.failure;
    const { receipt, result } = await notarise(
      createHash("sha256").update(manifestBytes).digest("hex"),
    );
    this.archive.append(JSON.stringify(receipt, null, 2) + "\n", { name: receiptName });
    await this.archive.finalize();
    await this.finished;
    return result;
  }

  abort(): void {
    this.archive.abort();
  }

  /** Resolves once the archive has written every entry appended so far; rejects if it stops. */
  private everyEntryWritten(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.unwritten.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.allWritten = resolve;
      this.stopped.signal.addEventListener("abort", () => reject(this.failure), { once: true });
    });
  }
}
