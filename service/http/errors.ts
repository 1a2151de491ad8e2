import type { ErrorRequestHandler } from "express";
import multer from "multer";
import { InvalidInputError, InvariantError, LedgerError } from "../errors";
import { isStorageFull } from "../storage";

/** One table maps stable error codes to HTTP statuses; a code not listed is a 400 if it is the caller's. */
export const HTTP_STATUS: Record<string, number> = {
  AUTH_MISSING: 401,
  AUTH_INVALID: 401,
  FORBIDDEN_ROLE: 403,
  RECORD_FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RECORD_NOT_FOUND: 404,
  BATCH_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  CASE_NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FILE_TOO_LARGE: 413,
  TOO_MANY_FILES: 413,
  RECORD_TOO_LARGE: 413,
  TOO_MANY_PARTS: 413,
  LINK_UNKNOWN_RECORD: 422,
  LINK_WRONG_KIND: 422,
  LINK_MISSING: 422,
  LINK_TOO_MANY: 422,
  LINK_NOT_ALLOWED: 422,
  LINK_DUPLICATE: 422,
  SERVICE_SHUTTING_DOWN: 503,
  SERVICE_OVERLOADED: 503,
  EXPORTS_BUSY: 503,
  CERTIFICATE_NOT_READY: 409,
  KEY_LAST_ADMIN: 409,
  KEY_EXISTS: 409,
  CERTIFICATE_FONT_MISSING: 503,
  STORAGE_FULL: 507,
};

const MULTER_CODES: Record<string, { code: string; message: string }> = {
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

/** How long a 503 asks the client to wait: intake frees up in a second, an export in minutes. */
const RETRY_AFTER_SECONDS: Record<string, string> = {
  SERVICE_OVERLOADED: "1",
  EXPORTS_BUSY: "30",
  // An operator has to free space: a minute, not a second.
  STORAGE_FULL: "60",
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}

/** Maps any error to a status and a body with a stable code. Internal errors say nothing inside. */
export function toHttpError(error: unknown): {
  status: number;
  body: ErrorBody["error"];
  internal: boolean;
} {
  if (error instanceof multer.MulterError) {
    const mapped = MULTER_CODES[error.code] ?? { code: "UPLOAD_INVALID", message: error.message };
    return {
      status: HTTP_STATUS[mapped.code] ?? 400,
      body: { ...mapped, details: error.field ? { field: error.field } : undefined },
      internal: false,
    };
  }
  if (error instanceof InvalidInputError) {
    return {
      status: HTTP_STATUS[error.code] ?? 400,
      body: { code: error.code, message: error.message, details: error.details },
      internal: false,
    };
  }
  const e = error as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.parse.failed")
    return {
      status: 400,
      body: { code: "RECORD_INVALID_JSON", message: "the body is not valid JSON" },
      internal: false,
    };
  if (e?.type === "entity.too.large")
    return {
      status: 413,
      body: { code: "RECORD_TOO_LARGE", message: "the JSON body is larger than the limit" },
      internal: false,
    };
  if (error instanceof LedgerError && HTTP_STATUS[error.code]) {
    return {
      status: HTTP_STATUS[error.code]!,
      body: { code: error.code, message: error.message },
      internal: false,
    };
  }
  if (isStorageFull(error)) {
    // The service's trouble, not the caller's: nothing of the request was kept, and what was
    // acknowledged before is safe. Logged with its real cause (internal), answered 507.
    return {
      status: 507,
      body: {
        code: "STORAGE_FULL",
        message: "the service's storage is full; nothing of this request was kept, retry later",
      },
      internal: true,
    };
  }
  if (error instanceof InvariantError) {
    // The stored ledger contradicts itself: say which invariant, so the operator knows to audit.
    return { status: 500, body: { code: error.code, message: error.message }, internal: true };
  }
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
    return {
      status: e.status,
      body: { code: "BAD_REQUEST", message: e.message ?? "bad request" },
      internal: false,
    };
  }
  return {
    status: 500,
    body: {
      code: "INTERNAL",
      message: "internal error; the request id identifies it in the service log",
    },
    internal: true,
  };
}

/** The one error middleware; `onStorageFull` hears of every write refused for lack of space. */
export function errorMiddleware(options: { onStorageFull: () => void }): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { status, body, internal } = toHttpError(error);
    if (status === 507) {
      options.onStorageFull();
      req.log?.error({ err: error }, "storage full: a write failed for lack of space");
    } else if (internal) req.log?.error({ err: error }, "request failed");
    else {
      // Who was refused what, by key id and role: never the key itself, headers or body.
      const refusal = {
        code: body.code,
        method: req.method,
        path: req.path,
        key: req.apiKey?.id,
        role: req.apiKey?.role,
      };
      if (status === 401 || status === 403) req.log?.warn(refusal, "access refused");
      else req.log?.info(refusal, "request refused");
    }
    if (res.headersSent) return void res.destroy();
    if (body.code === "METHOD_NOT_ALLOWED")
      res.setHeader("Allow", ((body.details?.allowed as string[]) ?? []).join(", "));
    if (status === 503 || status === 507)
      res.setHeader("Retry-After", RETRY_AFTER_SECONDS[body.code] ?? "5");
    res.status(status).json({ error: { ...body, requestId: req.id } } satisfies ErrorBody);
  };
}
