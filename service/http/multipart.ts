import type { RequestHandler } from "express";
import multer from "multer";
import { InvalidInputError, LedgerError } from "../errors";

/**
 * Runs a multer handler and files the parser's own complaints as the caller's mistake.
 *
 * busboy reports a malformed body (no boundary, a truncated body, a part header with a control
 * or DEL byte) as a plain `Error` with no code; left alone it reaches the error middleware as
 * an internal failure (500). Multer's limit errors, our coded errors and system errors from the
 * file store (ENOSPC, EIO: the service's trouble, not the caller's) pass through unchanged.
 * Multer has already removed whatever the storage engine kept when it reports an error.
 */
export function parseMultipart(upload: RequestHandler): RequestHandler {
  return (req, res, next) =>
    upload(req, res, (error?: unknown) => next(error ? asMultipartError(error) : undefined));
}

function asMultipartError(error: unknown): unknown {
  if (error instanceof multer.MulterError || error instanceof LedgerError) return error;
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== undefined)
    return error;
  return new InvalidInputError(
    "MULTIPART_INVALID",
    `the multipart body could not be read: ${error.message}`,
    { cause: error, details: { parser: error.message } },
  );
}
