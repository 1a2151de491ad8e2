import { createHash } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import { finished, type Readable } from "node:stream";

/**
 * Streams `source` to a new file at `temp`, computing its SHA-256 on the way, and fsyncs it.
 * Memory stays flat whatever the size: the file is never held whole. On any failure the file
 * is removed and the error thrown; the source is drained, never destroyed.
 */
export async function writeHashed(
  temp: string,
  source: Readable,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  const file = await open(temp, "wx");
  let size = 0;
  try {
    const writer = new CoalescingWriter(file);
    await feed(
      source,
      (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        // Backpressure: read on once the write before this one is done.
        return writer.add(chunk);
      },
      () => writer.finish(),
    ).done;
    // The bytes are on disk before the record can commit.
    await file.sync();
    // WARNING: the acknowledged size and digest must be those of the bytes kept. A short write
    // once stored a file 4 KiB short under the digest of the whole; the writer now refuses
    // short writes, and the size on disk is checked once more before the file is promoted.
    const kept = (await file.stat()).size;
    if (kept !== size)
      throw Object.assign(new Error(`stored ${kept} of ${size} bytes`), { code: "ENOSPC" });
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  return { sha256: hash.digest("hex"), size };
}

/**
 * Reads `source` into `take`, pausing it while the promise `take` returned is pending, then
 * `finish`es. `fail` ends it from outside (the store failed); `done` rejects with the first
 * failure.
 *
 * WARNING: the source must not be destroyed on our own failure: multer reports the first error
 * it hears of, and a destroyed part stream says "aborted", not "disk full". The rest of the
 * part is read and dropped instead, so the request can be answered.
 */
export function feed(
  source: Readable,
  take: (chunk: Buffer) => Promise<void> | undefined,
  finish: () => Promise<void>,
): { done: Promise<void>; fail: (error: unknown) => void } {
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    let failed = false;
    fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.off("data", onData);
      source.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      const pending = take(chunk);
      if (!pending) return;
      source.pause();
      pending.then(() => void (failed || source.resume()), fail);
    };
    source.on("data", onData);
    // An end, an error, or a close before the end (a truncated body): whichever comes first.
    finished(source, (error) => (error ? fail(error) : finish().then(resolve, fail)));
  });
  return { done, fail };
}

const WRITE_BYTES = 1 << 20;
const SYNC_EVERY_BYTES = 64 << 20;

/**
 * Gathers the socket's small chunks into 1 MiB writes, keeps one write in flight while the
 * next chunk is hashed, and asks the disk to flush every 64 MiB so the final fsync of a large
 * upload does not wait for gigabytes of dirty pages at once.
 */
class CoalescingWriter {
  private chunks: Buffer[] = [];
  private length = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private unsynced = 0;

  constructor(private readonly file: FileHandle) {}

  /** Queues the chunk; when a write was started, the write before it, to wait for. */
  add(chunk: Buffer): Promise<void> | undefined {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this.length >= WRITE_BYTES ? this.flush() : undefined;
  }

  /** Every byte added, written. */
  finish(): Promise<void> {
    if (this.length > 0) void this.flush();
    return this.inFlight;
  }

  private flush(): Promise<void> {
    const buffer = Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    this.unsynced += buffer.length;
    const syncNow = this.unsynced >= SYNC_EVERY_BYTES;
    if (syncNow) this.unsynced = 0;
    const previous = this.inFlight;
    // Chained at once, so writes keep their order whoever waits for what.
    this.inFlight = previous
      .then(() => writeAll(this.file, buffer))
      .then(() => (syncNow ? this.file.datasync() : undefined));
    // A failed write is reported through whoever waits next; never an unhandled rejection.
    this.inFlight.catch(() => undefined);
    return previous;
  }
}

/**
 * Writes the whole buffer. write(2) may write fewer bytes than asked without an error, as it
 * does when the disk fills up mid-buffer: the rest is written again, and a write that makes
 * no progress is the disk being full.
 */
async function writeAll(file: FileHandle, buffer: Buffer): Promise<void> {
  for (let offset = 0; offset < buffer.length;) {
    const { bytesWritten } = await file.write(buffer, offset, buffer.length - offset);
    if (bytesWritten === 0)
      throw Object.assign(new Error("the disk took no more bytes"), { code: "ENOSPC" });
    offset += bytesWritten;
  }
}
