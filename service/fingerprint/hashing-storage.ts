import { createHash } from "node:crypto";
import type { Request } from "express";
import type { Readable } from "node:stream";
import type { StorageEngine } from "multer";
import type { ContentStore, FingerprintedFile } from "../storage";
import { failpoint } from "../observability";

export type { FingerprintedFile } from "../storage";

export type UploadedFile = Express.Multer.File & FingerprintedFile;

/**
 * A multer storage engine that hands each upload to the content store, which computes its
 * SHA-256 while it streams in and stores it under its content address (a file on disk, or an
 * object in a bucket). Memory stays flat whatever the file size: the file is never held whole.
 */
export class HashingStorage implements StorageEngine {
  constructor(
    private readonly store: ContentStore,
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

  async fingerprint(source: Readable): Promise<FingerprintedFile> {
    const stored = await this.store.receive(source);
    failpoint("after-file-stored");
    return stored;
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
