/**
 * Two kinds of failure, kept apart so callers can tell them apart (STYLE: the caller's mistake
 * vs our own bug). Every error carries a stable SCREAMING_SNAKE `code`: tests, the HTTP layer
 * and the CLI switch on codes, never on messages.
 */
import type { ErrorCode } from "./codes";

export { ERROR_CODES, specOf, type ErrorCode, type ErrorKind, type ErrorSpec } from "./codes";

export interface ErrorOptions {
  cause?: unknown;
  /** Machine-readable facts about the failure (the offending values), safe to show a client. */
  details?: Record<string, unknown>;
}

export class LedgerError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** The caller passed something unusable. Safe to report back to the caller as is. */
export class InvalidInputError extends LedgerError {}

/** An invariant of our own broke: a bug or corrupted state, never the caller's fault. */
export class InvariantError extends LedgerError {}

/** The caller asked for something that does not exist (a record, a batch, a file). */
export class NotFoundError extends InvalidInputError {}

/** The caller is known but its role may not do this. */
export class ForbiddenError extends InvalidInputError {}

/** The service cannot take the request now (a full queue, a stop under way): 503, retry. */
export class OverloadError extends LedgerError {}
