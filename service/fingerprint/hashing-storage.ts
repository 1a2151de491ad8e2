import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request } from "express";
import type { StorageEngine } from "multer";
import type { FileStore } from "../storage";

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
    this.fingerprint(file.stream).then(
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

  async fingerprint(source: NodeJS.ReadableStream): Promise<FingerprintedFile> {
    const temp = this.store.tempPath();
    const hash = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      // `flush: true` fsyncs before close: the bytes are on disk before the record can commit.
      await pipeline(
        source,
        meter,
        createWriteStream(temp, { flush: true, highWaterMark: 1 << 20 }),
      );
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const sha256 = hash.digest("hex");
    const { created } = await this.store.promote(temp, sha256);
    return { sha256, size, created };
  }
}
