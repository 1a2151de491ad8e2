import type { Readable } from "node:stream";

/** What storing an upload tells the caller. */
export interface FingerprintedFile {
  sha256: string;
  size: number;
  /** The content was not in the store before this request. */
  created: boolean;
}

/**
 * Where the bytes of records' files live, named by their SHA-256 (DESIGN §8): a directory on
 * the service's disk (`FileStore`, the embedded default) or a bucket of an S3-compatible object
 * store (`S3FileStore`). Either way an upload is hashed while it streams in, never held whole,
 * and the caller commits its record only after `receive` returned: the bytes are durable then.
 */
export interface ContentStore {
  /** Where it keeps bytes, for logs (never a credential). */
  readonly description: string;
  /** A directory on the local disk for scratch files (exports), swept at start. */
  readonly tempDir: string;
  /**
   * Streams `source` in, hashing it, and stores it under its digest. The caller holds the
   * digest until `release`.
   */
  receive(source: Readable): Promise<FingerprintedFile>;
  /**
   * Ends a request's hold on a digest. When the request failed and had brought the content in,
   * the content is deleted unless another request holds it or an accepted record references it.
   */
  release(
    sha256: string,
    options: { discard: boolean; isReferenced: () => Promise<boolean> },
  ): Promise<void>;
  /** The bytes, streamed; undefined when the store has none under that digest. */
  openRead(sha256: string): Promise<Readable | undefined>;
  /** Deletes erased content (DESIGN §7). Returns whether bytes were deleted. */
  erase(sha256: string): Promise<boolean>;
  /**
   * Deletes content a crash left behind, brought in by requests that never committed and that
   * no record references. Returns how many it deleted.
   */
  sweepUnreferenced(isReferenced: (sha256: string) => Promise<boolean>): Promise<number>;
  /** Deletes scratch and partial uploads older than `olderThanMs`. Returns how many. */
  sweepTemp(olderThanMs: number): Promise<number>;
  /** Every stored digest, for audits and tests. */
  digests(): AsyncGenerator<string>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
