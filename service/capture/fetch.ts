import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates, type PeerCertificate, type TLSSocket } from "node:tls";
import { useAgent } from "request-filtering-agent";
import { checkOutboundUrl, EgressRefusal, type EgressPolicy } from "../egress";

/** One certificate of the chain a server presented, as a reader of the capture needs it. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  sha256: string;
}

export interface TlsFacts {
  protocol: string | null;
  cipher: string;
  /** Leaf first, as the server sent it, up to the root it chains to (if sent or known). */
  chain: CertificateFacts[];
  authorized: boolean;
}

/** A request the page made and the answer it got, as it passed over the wire. */
export interface Exchange {
  url: string;
  method: string;
  requestHeaders: [string, string][];
  requestBody?: Buffer;
  startedAt: string;
  status: number;
  statusText: string;
  httpVersion: string;
  responseHeaders: [string, string][];
  body: Buffer;
  /** Whether the body was cut at the capture's byte limit. */
  truncated: boolean;
  remoteAddress?: string;
  tls?: TlsFacts;
}

export class CaptureFetchError extends Error {
  constructor(
    readonly code:
      | "ADDRESS_NOT_PUBLIC"
      | "HOST_UNRESOLVED"
      | "SCHEME_NOT_ALLOWED"
      | "FETCH_FAILED"
      | "TIMEOUT"
      | "SELF",
    message: string,
  ) {
    super(message);
  }
}

const name = (c: PeerCertificate["subject"] | undefined) =>
  c
    ? Object.entries(c)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
        .join(", ")
    : "";

/** The chain the server presented, leaf first; the walk stops where a certificate issues itself. */
export function tlsFactsOf(socket: TLSSocket): TlsFacts {
  const chain: CertificateFacts[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true) as
    (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push({
      subject: name(cert.subject),
      issuer: name(cert.issuer),
      validFrom: new Date(cert.valid_from).toISOString(),
      validTo: new Date(cert.valid_to).toISOString(),
      serialNumber: cert.serialNumber,
      sha256: cert.fingerprint256.replace(/:/g, "").toLowerCase(),
    });
    cert = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    chain,
    authorized: socket.authorized,
  };
}

/**
 * Fetches one request of a page being captured, from the service (the browser never reaches
 * the network itself): only http and https, never the service's own origins, only to public
 * addresses unless the policy allows private ones (checked on the name, then on the address
 * connected to), never following a redirect (the capture fetches each hop in turn, through
 * here), the body cut at `maxBytes`.
 */
export async function fetchForCapture(
  request: { url: string; method: string; headers: Record<string, string>; body?: Buffer },
  o: {
    policy: EgressPolicy;
    maxBytes: number;
    timeoutMs: number;
    ca?: string | Buffer;
    /** The service's own origins: a page (or a hop, or an image) pointing there is not fetched. */
    ownOrigins?: readonly string[];
  },
): Promise<Exchange> {
  const url = new URL(request.url);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CaptureFetchError("SCHEME_NOT_ALLOWED", `${url.protocol} is not captured`);
  if (o.ownOrigins?.includes(url.origin))
    throw new CaptureFetchError("SELF", `${url.origin} is this service, which is not captured`);
  try {
    await checkOutboundUrl(url, o.policy);
  } catch (error) {
    if (error instanceof EgressRefusal) throw new CaptureFetchError(error.code, error.message);
    throw error;
  }
  // What the browser would have sent, less what only a browser's own connection carries;
  // bodies asked for unencoded, so the record holds the bytes the page was built from.
  const headers = {
    ...Object.fromEntries(
      Object.entries(request.headers).filter(
        ([k]) =>
          !k.startsWith(":") &&
          !["connection", "keep-alive", "host", "accept-encoding"].includes(k),
      ),
    ),
    "accept-encoding": "identity",
  };
  const startedAt = new Date().toISOString();
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: request.method,
        headers: { ...headers, host: url.host },
        agent: useAgent(url.toString(), {
          allowPrivateIPAddress: o.policy.allowPrivate,
          keepAlive: false,
        }),
        timeout: o.timeoutMs,
        // Beside Node's roots, not instead of them: `ca` alone would replace them.
        ...(o.ca && { ca: [...rootCertificates, o.ca.toString()] }),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const socket = res.socket;
        // Read now: a closed socket forgets its peer.
        const remoteAddress = socket?.remoteAddress;
        const tls =
          url.protocol === "https:" && socket && "getPeerCertificate" in socket
            ? tlsFactsOf(socket as TLSSocket)
            : undefined;
        res.on("data", (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > o.maxBytes) {
            chunks.push(chunk.subarray(0, o.maxBytes - size));
            size = o.maxBytes;
            truncated = true;
            res.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          const raw = res.rawHeaders;
          resolve({
            url: url.toString(),
            method: request.method,
            requestHeaders: Object.entries(headers),
            ...(request.body && request.body.length > 0 && { requestBody: request.body }),
            startedAt,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            httpVersion: res.httpVersion,
            responseHeaders: Array.from({ length: raw.length / 2 }, (_, i) => [
              raw[2 * i]!,
              raw[2 * i + 1]!,
            ]),
            body: Buffer.concat(chunks),
            truncated,
            ...(remoteAddress && { remoteAddress }),
            ...(tls && { tls }),
          });
        };
        res.on("end", finish);
        res.on("error", (error) =>
          done
            ? undefined
            : reject(new CaptureFetchError(timedOut ? "TIMEOUT" : "FETCH_FAILED", error.message)),
        );
      },
    );
    // A server that stops sending, before or after its headers: the capture's time is up.
    let timedOut = false;
    req.on("timeout", () => {
      timedOut = true;
      req.destroy(new Error(`no answer within ${o.timeoutMs} ms`));
    });
    req.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new CaptureFetchError(
          timedOut
            ? "TIMEOUT"
            : /not allowed/.test(error.message)
              ? "ADDRESS_NOT_PUBLIC"
              : error.code === "ENOTFOUND" || error.code === "EAI_AGAIN"
                ? "HOST_UNRESOLVED"
                : "FETCH_FAILED",
          error.message,
        ),
      ),
    );
    req.end(request.body);
  });
}
