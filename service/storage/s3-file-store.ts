import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  AbortMultipartUploadCommand,
  S3Client,
  type ObjectLockMode,
  type _Object,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createHash, randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { feed } from "./disk-upload";
import { sweepDirectory } from "./file-store";
import { SHA256_HEX, type ContentStore, type FingerprintedFile } from "./content-store";

export interface S3FileStoreOptions {
  /** `s3://bucket/prefix`. */
  url: string;
  /** For MinIO, Ceph RGW, OSS, COS or a test server; the AWS SDK's own resolution otherwise. */
  endpoint?: string;
  forcePathStyle?: boolean;
  region?: string;
  /** Object Lock mode set on each object, where the bucket has Object Lock enabled. */
  objectLock?: "compliance" | "governance";
  /** How long a locked object is retained: the keeping period's floor. */
  retainDays: number;
  /**
   * How old an upload's marker or partial object must be before a sweep may take it for a
   * crash's leftover: longer than any request, since other replicas upload into the same bucket.
   */
  sweepGraceMs: number;
  /** Local scratch directory (exports). */
  tempDir: string;
}

/** Parts in flight per upload: memory per upload is at most PART_BYTES × (QUEUE + 1). */
const PART_BYTES = 8 << 20;
const QUEUE = 2;

/**
 * Files in an S3-compatible bucket (DESIGN §8), named by SHA-256 under `<prefix>sha256/ab/`.
 * An upload streams once, hashed on the way, in multipart parts to a temporary key; once the
 * store has confirmed the whole object and its size, it is copied (server-side) to its content
 * address and the temporary object deleted. A failed upload is aborted (no part is left); a
 * marker `<prefix>held/<sha256>/<token>` stands while a request holds the content, so a sweep on
 * any replica can tell a crash's leftover from an upload in flight.
 */
export class S3FileStore implements ContentStore {
  readonly tempDir: string;
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  /** Holds in flight in this process, per digest: their markers' tokens. */
  private readonly held = new Map<string, string[]>();
  private readonly discardWhenFree = new Set<string>();

  constructor(private readonly options: S3FileStoreOptions) {
    const { bucket, prefix } = parseS3Url(options.url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.tempDir = options.tempDir;
    this.description = `s3://${bucket}/${prefix}${options.endpoint ? ` at ${options.endpoint}` : ""}`;
    this.client = new S3Client({
      ...(options.endpoint && { endpoint: options.endpoint }),
      forcePathStyle: options.forcePathStyle ?? false,
      region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    });
  }

  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
  }

  close(): void {
    this.client.destroy();
  }

  keyOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return `${this.prefix}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  async receive(source: Readable): Promise<FingerprintedFile> {
    const tempKey = `${this.prefix}tmp/${Date.now()}-${randomBytes(8).toString("hex")}`;
    const hash = createHash("sha256");
    let size = 0;
    const body = new PassThrough({ highWaterMark: 1 << 20 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tempKey, Body: body },
      partSize: PART_BYTES,
      queueSize: QUEUE,
      leavePartsOnError: false,
    });
    const uploaded = upload.done();
    try {
      const fed = feed(
        source,
        (chunk) => {
          hash.update(chunk);
          size += chunk.length;
          return body.write(chunk) ? undefined : once(body, "drain").then(() => undefined);
        },
        async () => void body.end(),
      );
      uploaded.catch(fed.fail);
      await fed.done.catch((error: unknown) => {
        body.destroy();
        throw error;
      });
      await uploaded;
    } catch (error) {
      await upload.abort().catch(() => undefined);
      await this.deleteKey(tempKey).catch(() => undefined);
      throw error;
    }
    const sha256 = hash.digest("hex");
    try {
      const token = randomBytes(8).toString("hex");
      // The marker is in the store before the content is: no crash can orphan the content.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.markerKey(sha256, token),
          Body: "",
          ContentLength: 0,
        }),
      );
      this.held.set(sha256, [...(this.held.get(sha256) ?? []), token]);
      const created = (await this.sizeOf(this.keyOf(sha256))) === undefined;
      if (created)
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.keyOf(sha256),
            CopySource: `${this.bucket}/${encodeURI(tempKey)}`,
            ...this.lock(),
          }),
        );
      // The store's own word on what it keeps under the digest: the bytes hashed, all of them.
      const kept = await this.sizeOf(this.keyOf(sha256));
      if (kept !== size)
        throw Object.assign(
          new Error(`the object store keeps ${kept ?? "no"} bytes of ${size} under ${sha256}`),
          { code: "STORE_SHORT" },
        );
      return { sha256, size, created };
    } finally {
      await this.deleteKey(tempKey).catch(() => undefined);
    }
  }

  async release(
    sha256: string,
    options: { discard: boolean; isReferenced: () => Promise<boolean> },
  ): Promise<void> {
    const tokens = this.held.get(sha256) ?? [];
    const token = tokens.pop();
    if (tokens.length > 0) {
      if (options.discard) this.discardWhenFree.add(sha256);
    } else this.held.delete(sha256);
    const discard = tokens.length === 0 && (this.discardWhenFree.delete(sha256) || options.discard);
    if (token) await this.deleteKey(this.markerKey(sha256, token));
    // Another replica may be bringing the same bytes in: its marker keeps them.
    if (discard && !(await options.isReferenced()) && (await this.markers(sha256)).length === 0)
      await this.deleteKey(this.keyOf(sha256));
  }

  async openRead(sha256: string): Promise<Readable | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async erase(sha256: string): Promise<boolean> {
    if (this.held.has(sha256) || (await this.markers(sha256)).length > 0) return false;
    if (!(await this.exists(this.keyOf(sha256)))) return false;
    await this.deleteKey(this.keyOf(sha256));
    return true;
  }

  async sweepUnreferenced(isReferenced: (sha256: string) => Promise<boolean>): Promise<number> {
    const cutoff = Date.now() - this.options.sweepGraceMs;
    const byDigest = new Map<string, _Object[]>();
    for await (const object of this.list(`${this.prefix}held/`)) {
      const sha256 = object.Key!.slice(`${this.prefix}held/`.length).split("/")[0]!;
      if (SHA256_HEX.test(sha256)) byDigest.set(sha256, [...(byDigest.get(sha256) ?? []), object]);
    }
    let removed = 0;
    for (const [sha256, markers] of byDigest) {
      // A marker younger than the grace is an upload in flight somewhere: leave it all.
      if (markers.some((m) => (m.LastModified?.getTime() ?? 0) > cutoff)) continue;
      if (!(await isReferenced(sha256)) && (await this.exists(this.keyOf(sha256)))) {
        await this.deleteKey(this.keyOf(sha256));
        removed++;
      }
      for (const m of markers) await this.deleteKey(m.Key!);
    }
    return removed;
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    const now = Date.now();
    let removed = await sweepDirectory(this.tempDir, olderThanMs);
    // Partial objects and multipart uploads of other replicas may be in flight: the grace holds.
    const cutoff = now - Math.max(olderThanMs, this.options.sweepGraceMs);
    for await (const object of this.list(`${this.prefix}tmp/`))
      if ((object.LastModified?.getTime() ?? 0) <= cutoff) {
        await this.deleteKey(object.Key!);
        removed++;
      }
    try {
      const uploads = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: `${this.prefix}tmp/` }),
      );
      for (const u of uploads.Uploads ?? [])
        if ((u.Initiated?.getTime() ?? 0) <= cutoff) {
          await this.client.send(
            new AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: u.Key!,
              UploadId: u.UploadId!,
            }),
          );
          removed++;
        }
    } catch (error) {
      // Some S3-compatible servers do not list uploads; set the bucket's lifecycle rule
      // AbortIncompleteMultipartUpload there (README "Running in production").
      if ((error as { name?: string }).name !== "NotImplemented") throw error;
    }
    return removed;
  }

  async *digests(): AsyncGenerator<string> {
    for await (const object of this.list(`${this.prefix}sha256/`)) {
      const name = object.Key!.split("/").pop()!;
      if (SHA256_HEX.test(name)) yield name;
    }
  }

  private markerKey(sha256: string, token: string): string {
    return `${this.prefix}held/${sha256}/${token}`;
  }

  private async markers(sha256: string): Promise<_Object[]> {
    const found: _Object[] = [];
    for await (const object of this.list(`${this.prefix}held/${sha256}/`)) found.push(object);
    return found;
  }

  private lock(): { ObjectLockMode?: ObjectLockMode; ObjectLockRetainUntilDate?: Date } {
    if (!this.options.objectLock) return {};
    return {
      ObjectLockMode: this.options.objectLock === "compliance" ? "COMPLIANCE" : "GOVERNANCE",
      ObjectLockRetainUntilDate: new Date(Date.now() + this.options.retainDays * 86_400_000),
    };
  }

  private async exists(key: string): Promise<boolean> {
    return (await this.sizeOf(key)) !== undefined;
  }

  /**
   * An object's size, or undefined if there is none: from a listing, not a HEAD, so no reader
   * is opened on an object another request may be deleting (s3rver opens one for a HEAD, and
   * an object deleted meanwhile fails it where no one hears).
   */
  private async sizeOf(key: string): Promise<number | undefined> {
    const page = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }),
    );
    const found = page.Contents?.[0];
    return found?.Key === key ? (found.Size ?? 0) : undefined;
  }

  private async deleteKey(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({
        Bucket: this.bucket,
        Key: key,
        // Governance mode lets an authorised erasure go before the retention ends; compliance
        // mode does not, and the bytes stay until then (README "Running in production").
        ...(this.options.objectLock === "governance" && { BypassGovernanceRetention: true }),
      }),
    );
  }

  private async *list(prefix: string): AsyncGenerator<_Object> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** `s3://bucket/some/prefix` → bucket and `some/prefix/` (empty for the bucket's root). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`FILE_STORE_URL must be s3://bucket[/prefix], not ${url}`);
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : "" };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}
