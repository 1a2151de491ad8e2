import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { RequestListener } from "node:http";
import type { Duplex } from "node:stream";
import type { HttpLimits } from "../config";
import type { ErrorBody } from "./errors";

/**
 * The HTTP server with limits on how long a client may hold it.
 *
 * Node's own timeouts cover the headers (`headersTimeout`, answered 408). Bodies are watched
 * here rather than by `requestTimeout`: a 4 GiB upload legitimately takes minutes, so a fixed
 * deadline for the whole request would cut honest uploads while still letting a client trickle
 * ten bytes a second for as long as the deadline allows. Instead a body must keep moving (no
 * silence longer than `bodyIdleTimeoutMs`) and, after a grace period, average at least
 * `minBodyBytesPerSecond`. A client that breaks either rule is answered 408 while an answer can
 * still be sent, then its socket is closed; the upload's temporary files go with the aborted
 * request (multer removes what the storage engine kept).
 */
export function createHttpServer(app: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the headers deadline (default 30 s would let them live 3 x longer).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 2)),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  server.on("clientError", answerClientError);
  const watched = new Map<IncomingMessage, BodyWatch>();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!hasBody(req)) return;
    const now = Date.now();
    const bytes = req.socket.bytesRead;
    watched.set(req, { res, startedAt: now, startBytes: bytes, lastBytes: bytes, lastMoveAt: now });
    const forget = () => watched.delete(req);
    req.once("end", forget);
    req.once("close", forget);
    res.once("finish", forget);
  });
  const timer = setInterval(() => checkBodies(watched, limits), CHECK_EVERY_MS);
  timer.unref();
  server.once("close", () => clearInterval(timer));
  return server;
}

const CHECK_EVERY_MS = 250;

/**
 * Requests Node refuses before the app sees them. Node's own answers have no body; these carry
 * the same JSON error body and stable code as every other refusal, so a client that sent a
 * 20 KiB query string learns why.
 */
const CLIENT_ERRORS: Record<
  string,
  { status: number; reason: string; code: string; message: string }
> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "REQUEST_HEADERS_TOO_LARGE",
    message: "the request line and headers together exceed the server's limit (16 KiB)",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    code: "REQUEST_HEADERS_TIMEOUT",
    message: "the request's headers did not arrive in time",
  },
};
const MALFORMED = {
  status: 400,
  reason: "Bad Request",
  code: "REQUEST_MALFORMED",
  message: "the request is not valid HTTP/1.1",
};

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // An answer already under way on this socket cannot be followed by another.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = CLIENT_ERRORS[err.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

interface BodyWatch {
  res: ServerResponse;
  startedAt: number;
  startBytes: number;
  lastBytes: number;
  lastMoveAt: number;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

function checkBodies(watched: Map<IncomingMessage, BodyWatch>, limits: HttpLimits): void {
  const now = Date.now();
  for (const [req, watch] of watched) {
    // Socket bytes, not 'data' events: listening for data would steal the body from its parser.
    const bytes = req.socket.bytesRead;
    if (req.readableLength > 0) {
      // Bytes wait unread in our buffer: the stall is ours (a slow disk, a busy parser), not
      // the client's. Measure the client again from here.
      Object.assign(watch, {
        startedAt: now,
        startBytes: bytes,
        lastBytes: bytes,
        lastMoveAt: now,
      });
      continue;
    }
    if (bytes !== watch.lastBytes) {
      watch.lastBytes = bytes;
      watch.lastMoveAt = now;
    }
    const elapsed = now - watch.startedAt;
    const rate = ((bytes - watch.startBytes) * 1000) / Math.max(1, elapsed);
    const problem =
      now - watch.lastMoveAt >= limits.bodyIdleTimeoutMs
        ? {
            code: "REQUEST_BODY_TIMEOUT",
            message: `the request body sent nothing for ${limits.bodyIdleTimeoutMs} ms`,
          }
        : elapsed >= limits.minRateGraceMs && rate < limits.minBodyBytesPerSecond
          ? {
              code: "REQUEST_BODY_TOO_SLOW",
              message: `the request body arrives at ${Math.round(rate)} bytes/s; at least ${limits.minBodyBytesPerSecond} bytes/s is needed`,
            }
          : undefined;
    if (!problem) continue;
    watched.delete(req);
    closeSlowClient(req, watch.res, problem);
  }
}

function closeSlowClient(
  req: IncomingMessage,
  res: ServerResponse,
  problem: { code: string; message: string },
): void {
  // The request too: once its answer is sent, Node no longer ties it to the socket, and a
  // parser still reading it would wait for ever.
  const close = (): void => {
    req.destroy();
    req.socket.destroy();
  };
  if (res.headersSent) return close();
  const body: ErrorBody = { error: problem };
  res.writeHead(408, { "content-type": "application/json; charset=utf-8", connection: "close" });
  res.end(JSON.stringify(body), close);
  // A client that reads nothing must not keep the socket open through the answer either.
  setTimeout(close, 1_000).unref();
}
