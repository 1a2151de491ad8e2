import { createHash } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import type { Request } from "express";
import type { StorageEngine } from "multer";
import type { FileStore } from "../storage";
import { failpoint } from "../observability";

/** What the engine adds to each multer file. */
export interface FingerprintedFile {
  sha256: string;
  size: number;
  /** The content was not in the store before this request. */
  created: boolean;
}

export type UploadedFile = Express.Multer.File & FingerprintedFile;

/**
 * A multer storage engine that computes SHA-256 while the upload streams to a temporary file
 * in the file store, fsyncs it, then moves it to its content address. Memory stays flat
 * whatever the file size: the file is never held whole.
 */
export class HashingStorage implements StorageEngine {
  constructor(
    private readonly store: FileStore,
    /** Whether an accepted record references the content: such a file is never deleted. */
    private readonly isReferenced: (sha256: string) => Promise<boolean>,
  ) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<UploadedFile>) => void,
  ): void {
    this.fingerprint(file.stream as AsyncIterable<Buffer>).then(
      (info) => callback(null, info),
      (error: unknown) => callback(error),
    );
  }

  _removeFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error: Error | null) => void,
  ): void {
    const { sha256, created } = file as UploadedFile;
    if (!sha256) return callback(null);
    this.store
      .release(sha256, { discard: created, isReferenced: () => this.isReferenced(sha256) })
      .then(
        () => callback(null),
        (error: Error) => callback(error),
      );
  }

  async fingerprint(source: AsyncIterable<Buffer>): Promise<FingerprintedFile> {
    const temp = this.store.tempPath();
    const hash = createHash("sha256");
    const file = await open(temp, "wx");
    let size = 0;
    try {
      const writer = new CoalescingWriter(file);
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        await writer.add(chunk);
      }
      await writer.finish();
      // The bytes are on disk before the record can commit.
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    const sha256 = hash.digest("hex");
    const { created } = await this.store.promote(temp, sha256);
    failpoint("after-file-stored");
    return { sha256, size, created };
  }
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
  private inFlight: Promise<unknown> = Promise.resolve();
  private unsynced = 0;

  constructor(private readonly file: FileHandle) {}

  async add(chunk: Buffer): Promise<void> {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length >= WRITE_BYTES) await this.flush();
  }

  async finish(): Promise<void> {
    if (this.length > 0) await this.flush();
    await this.inFlight;
  }

  private async flush(): Promise<void> {
    const buffer = Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    await this.inFlight;
    this.unsynced += buffer.length;
    const syncNow = this.unsynced >= SYNC_EVERY_BYTES;
    if (syncNow) this.unsynced = 0;
    this.inFlight = this.file
      .write(buffer)
      .then(() => (syncNow ? this.file.datasync() : undefined));
  }
}

/**
 * A multer storage engine that only hashes: for verification, where the caller's files are
 * checked against a receipt and must not be kept.
 */
export class DigestOnlyStorage implements StorageEngine {
  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<UploadedFile>) => void,
  ): void {
    const hash = createHash("sha256");
    let size = 0;
    file.stream.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    file.stream.on("error", (error) => callback(error));
    file.stream.on("end", () =>
      callback(null, { sha256: hash.digest("hex"), size, created: false }),
    );
  }

  _removeFile(
    _req: Request,
    _file: Express.Multer.File,
    callback: (error: Error | null) => void,
  ): void {
    callback(null);
  }
}
