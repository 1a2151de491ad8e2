import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A time-stamping authority made of OpenSSL's own implementation (`openssl ts -reply`) behind a
 * small HTTP endpoint (RFC 3161 §3.4: POST application/timestamp-query), with a CA and a TSA
 * certificate made here with `openssl`. Independent of the code under test: requests and
 * tokens cross a real implementation written elsewhere.
 */
export interface TestTsa {
  url: string;
  /** The root certificate, PEM, to give verifiers as trust anchor. */
  caPem: string;
  caFile: string;
  /** Requests answered since start. */
  served(): number;
  /** While down, the endpoint answers 503 (a TSA outage). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startOpensslTsa(name = "Test TSA"): Promise<TestTsa> {
  const dir = await mkdtemp(join(tmpdir(), "tsa-"));
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await writeFile(
    join(dir, "ca.ext"),
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
  );
  await writeFile(
    join(dir, "tsa.ext"),
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
  );
  await openssl(
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    "ca.key",
  );
  await openssl(
    "req",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    `/O=${name} Root/CN=${name} Root CA`,
    "-out",
    "ca.csr",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "ca.csr",
    "-signkey",
    "ca.key",
    "-days",
    "3650",
    "-extfile",
    "ca.ext",
    "-out",
    "ca.crt",
  );
  await openssl(
    "genpkey",
    "-algorithm",
    "RSA",
    "-pkeyopt",
    "rsa_keygen_bits:2048",
    "-out",
    "tsa.key",
  );
  await openssl(
    "req",
    "-new",
    "-key",
    "tsa.key",
    "-subj",
    `/O=${name}/CN=${name}`,
    "-out",
    "tsa.csr",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "tsa.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "3650",
    "-extfile",
    "tsa.ext",
    "-out",
    "tsa.crt",
  );
  await writeFile(join(dir, "serial"), "01\n");
  await writeFile(
    join(dir, "tsa.cnf"),
    [
      "[ tsa ]",
      "default_tsa = tsa_config",
      "[ tsa_config ]",
      `dir = ${dir}`,
      "serial = $dir/serial",
      "crypto_device = builtin",
      "signer_cert = $dir/tsa.crt",
      "certs = $dir/ca.crt",
      "signer_key = $dir/tsa.key",
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.99999.1",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ordering = yes",
      "tsa_name = yes",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  let count = 0;
  let down = false;
  let queue = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (down || req.method !== "POST") {
        res.writeHead(down ? 503 : 405).end();
        return;
      }
      // One at a time: openssl increments the serial file.
      queue = queue.then(async () => {
        const id = `${Date.now()}-${Math.random().toString(16).slice(2)}`;
        try {
          await writeFile(join(dir, `${id}.tsq`), Buffer.concat(chunks));
          await openssl(
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            `${id}.tsq`,
            "-out",
            `${id}.tsr`,
          );
          const reply = await readFile(join(dir, `${id}.tsr`));
          count++;
          res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(reply);
        } catch (error) {
          res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsr`,
    caPem: await readFile(join(dir, "ca.crt"), "utf8"),
    caFile: join(dir, "ca.crt"),
    served: () => count,
    setDown: (value) => void (down = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
