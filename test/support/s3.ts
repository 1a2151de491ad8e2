import { mkdtemp, rm, unlink } from "node:fs/promises";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

/** One request the object store received, as sent (method, path and headers). */
export interface S3Request {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface TestS3 {
  /** The endpoint to give the service: a recording proxy in front of the server. */
  endpoint: string;
  bucket: string;
  /** Every request the service sent, in order: s3rver has no Object Lock, so its headers are read here. */
  requests: S3Request[];
  /** The environment a service needs to use this store under `prefix`. */
  env(prefix: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A real S3 protocol server (s3rver, file-backed) on a loopback port, with one bucket, behind a
 * proxy that records each request and forwards it unchanged. Credentials are s3rver's own test
 * pair, given through the AWS SDK's usual environment variables.
 */
export async function startTestS3(bucket = "evidence"): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  keepDirectories(server);
  const { port } = (await server.run()) as AddressInfo;
  const requests: S3Request[] = [];
  const proxy: Server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    const forward = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => res.destroy(error));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID ??= "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY ??= "S3RVER";
  // The SDK warns on Node 20 of releases to come; the lock file pins one that runs here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return {
    endpoint,
    bucket,
    requests,
    env: (prefix) => ({
      FILE_STORE_URL: `s3://${bucket}/${prefix}`,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: "true",
    }),
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver keeps objects as files in directories named after their keys' prefixes, and a delete
 * removes directories it left empty. A put into the same prefix at that moment (another
 * replica's upload) has made the directory and is about to open its file: the open fails, and
 * s3rver does not catch it, crashing the process it runs in. S3 has no directories to race on,
 * so deletes here leave them.
 */
function keepDirectories(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      (["object", "object.md5", "metadata.json"] as const).map((resource) =>
        unlink(store.getResourcePath(bucket, key, resource)).catch(
          (error: NodeJS.ErrnoException) => {
            if (error.code !== "ENOENT") throw error;
          },
        ),
      ),
    );
  };
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
}
