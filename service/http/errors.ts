import type { ErrorRequestHandler } from "express";
import multer from "multer";
import { LedgerError, specOf, type ErrorCode, type ErrorKind } from "../errors";
import { isStorageFull } from "../storage";

const MULTER_CODES: Record<string, { code: ErrorCode; message: string }> = {
  LIMIT_FILE_SIZE: { code: "FILE_TOO_LARGE", message: "a file is larger than the upload limit" },
  LIMIT_FILE_COUNT: { code: "TOO_MANY_FILES", message: "too many files in one record" },
  LIMIT_FIELD_VALUE: {
    code: "RECORD_TOO_LARGE",
    message: "the record part is larger than the limit",
  },
  LIMIT_PART_COUNT: { code: "TOO_MANY_PARTS", message: "too many parts in the upload" },
  LIMIT_FIELD_COUNT: { code: "TOO_MANY_PARTS", message: "too many fields in the upload" },
  LIMIT_FIELD_KEY: { code: "UPLOAD_INVALID", message: "a field name is too long" },
  LIMIT_UNEXPECTED_FILE: {
    code: "UPLOAD_UNEXPECTED_FIELD",
    message: 'files go in parts named "files"',
  },
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

/**
 * Maps any error to a status and a body with a stable code, the status from the error catalogue
 * (errors/codes.ts). Internal errors say nothing inside; `kind` says whose trouble it is.
 */
export function toHttpError(error: unknown): {
  status: number;
  body: ErrorBody["error"];
  kind: ErrorKind | "internal";
  retryAfter?: number;
} {
  const answer = (code: ErrorCode, message: string, details?: Record<string, unknown>) => {
    const spec = specOf(code)!;
    return {
      status: spec.status,
      body: { code, message, details },
      kind: spec.kind,
      retryAfter: spec.retryAfter,
    };
  };
  if (error instanceof multer.MulterError) {
    const mapped = MULTER_CODES[error.code] ?? { code: "UPLOAD_INVALID", message: error.message };
    return answer(mapped.code, mapped.message, error.field ? { field: error.field } : undefined);
  }
  // A code outside the catalogue cannot compile; one that slipped through is our bug: a 500.
  const spec = error instanceof LedgerError ? specOf(error.code) : undefined;
  if (error instanceof LedgerError && spec)
    // An invariant's details name our state: logged, not shown to the caller.
    return answer(error.code, error.message, spec.kind === "invariant" ? undefined : error.details);
  const e = error as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.parse.failed")
    return answer("RECORD_INVALID_JSON", "the body is not valid JSON");
  if (e?.type === "entity.too.large")
    return answer("RECORD_TOO_LARGE", "the JSON body is larger than the limit");
  if (isStorageFull(error))
    // The service's trouble, not the caller's: nothing of the request was kept, and what was
    // acknowledged before is safe. Logged with its real cause, answered 507.
    return answer(
      "STORAGE_FULL",
      "the service's storage is full; nothing of this request was kept, retry later",
    );
  if (isDatabaseUnreachable(error))
    // Every write is one transaction: a cut connection rolled it back, nothing half-written.
    return answer(
      "DATABASE_UNAVAILABLE",
      "the service cannot reach its database; nothing of this request was written, retry (another replica may answer)",
    );
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
    return { ...answer("BAD_REQUEST", e.message ?? "bad request"), status: e.status };
  return {
    status: 500,
    body: {
      code: "INTERNAL",
      message: "internal error; the request id identifies it in the service log",
    },
    kind: "internal",
  };
}

/** The one error middleware; `onStorageFull` hears of every write refused for lack of space. */
export function errorMiddleware(options: { onStorageFull: () => void }): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { status, body, kind, retryAfter } = toHttpError(error);
    if (body.code === "STORAGE_FULL") {
      options.onStorageFull();
      req.log?.error({ err: error }, "storage full: a write failed for lack of space");
    } else if (kind === "internal" || kind === "invariant")
      req.log?.error({ err: error }, "request failed");
    else if (kind === "overload" || kind === "unavailable")
      // Not the caller's mistake: the service is busy or lacks something.
      req.log?.warn({ code: body.code, method: req.method, path: pathOf(req) }, "request deferred");
    else {
      // Who was refused what, by key id and role: never the key itself, headers or body.
      const refusal = {
        code: body.code,
        method: req.method,
        path: pathOf(req),
        key: req.apiKey?.id,
        role: req.apiKey?.role,
      };
      if (status === 401 || status === 403) req.log?.warn(refusal, "access refused");
      else req.log?.info(refusal, "request refused");
    }
    if (res.headersSent) return void res.destroy();
    // A download refused before its first byte is an error, not a file to save: its type and
    // name, set as the route began, give way to JSON's.
    res.removeHeader("Content-Disposition");
    res.type("application/json");
    if (body.code === "METHOD_NOT_ALLOWED")
      res.setHeader("Allow", ((body.details?.allowed as string[]) ?? []).join(", "));
    if (retryAfter !== undefined) res.setHeader("Retry-After", String(retryAfter));
    res.status(status).json({ error: { ...body, requestId: req.id } } satisfies ErrorBody);
  };
}

/** Network errors and PostgreSQL's connection-class SQLSTATEs (08…, 57P0…): the database is away. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);

function isDatabaseUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; $metadata?: unknown } | undefined;
  // The object store's client speaks of its own network errors; those are not the database.
  if (e?.$metadata !== undefined) return false;
  if (typeof e?.code === "string" && UNREACHABLE.has(e.code)) return true;
  return (
    typeof e?.message === "string" &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      e.message,
    )
  );
}

/**
 * The path a request named, whatever router answers it (`req.path` is relative to the router's
 * mount: `/me` for `/v1/me`). Never the query: a certificate lookup carries its code there.
 */
export function pathOf(req: { originalUrl: string }): string {
  const end = req.originalUrl.search(/[?#]/);
  return end === -1 ? req.originalUrl : req.originalUrl.slice(0, end);
}
