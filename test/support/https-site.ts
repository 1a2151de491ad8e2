import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * An HTTPS site on loopback with a certificate chain made here by `openssl` (a CA, and a leaf
 * for 127.0.0.1 it signed), so a capture's TLS facts are checked against a chain the test
 * knows, independent of the code under test.
 */
export async function startHttpsSite(
  handler: Parameters<typeof createServer>[1],
): Promise<{ origin: string; caPem: Buffer; close: () => void }> {
  const dir = await mkdtemp(join(tmpdir(), "https-site-"));
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Test Capture CA/O=Evidence Notary Tests",
  );
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "site.key",
    "-out",
    "site.csr",
    "-subj",
    "/CN=shop.test/O=Listing Site",
  );
  await writeFile(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:shop.test\n");
  await openssl(
    "x509",
    "-req",
    "-in",
    "site.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "site.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  );
  const [key, cert, caPem] = await Promise.all(
    ["site.key", "site.pem", "ca.pem"].map((f) => readFile(join(dir, f))),
  );
  const server: Server = createServer({ key, cert: Buffer.concat([cert!, caPem!]) }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: caPem!,
    close: () => server.close(),
  };
}
