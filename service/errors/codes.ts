/**
 * Every code a failure of the service can carry, with what it is and how it is answered. The
 * HTTP status and Retry-After come from here and nowhere else; an error can only be raised
 * with a code listed here (the error classes take `ErrorCode`), so a new code cannot answer a
 * status by accident.
 *
 * Kinds:
 * - `input`: the caller's request is wrong (4xx); reported back as is.
 * - `overload`: the service cannot take it now; the caller did nothing wrong (503, retry).
 * - `unavailable`: the service lacks something to do this (503 until an operator acts).
 * - `invariant`: our own state contradicts itself: a bug or tampering (500, run the audit).
 */
export type ErrorKind = "input" | "overload" | "unavailable" | "invariant";

export interface ErrorSpec {
  kind: ErrorKind;
  status: number;
  /** Seconds a client should wait before retrying (Retry-After). */
  retryAfter?: number;
}

const input = (status: number): ErrorSpec => ({ kind: "input", status });
const invariant: ErrorSpec = { kind: "invariant", status: 500 };

export const ERROR_CODES = {
  // Authentication and roles
  AUTH_MISSING: input(401),
  AUTH_INVALID: input(401),
  /** An Authorization header without `Bearer` (the key alone, or another scheme). */
  AUTH_SCHEME_MISSING: input(401),
  FORBIDDEN_ROLE: input(403),
  RECORD_FORBIDDEN: input(403),
  SUBMISSION_FORBIDDEN: input(403),
  SUBMISSION_NOT_OWN: input(403),

  // Routes and requests
  NOT_FOUND: input(404),
  METHOD_NOT_ALLOWED: input(405),
  UNSUPPORTED_MEDIA_TYPE: input(415),
  BAD_REQUEST: input(400),
  REQUEST_MALFORMED: input(400),
  REQUEST_HEADERS_TIMEOUT: input(408),
  REQUEST_HEADERS_TOO_LARGE: input(431),
  REQUEST_BODY_TIMEOUT: input(408),
  REQUEST_BODY_TOO_SLOW: input(408),

  // Uploads
  MULTIPART_INVALID: input(400),
  UPLOAD_INVALID: input(400),
  UPLOAD_UNEXPECTED_FIELD: input(400),
  FILE_TOO_LARGE: input(413),
  TOO_MANY_FILES: input(413),
  TOO_MANY_PARTS: input(413),
  FILE_NAME_INVALID: input(400),
  FILE_NAME_DUPLICATE: input(400),
  FILE_DIGEST_INVALID: input(400),

  // Records
  RECORD_INVALID_JSON: input(400),
  RECORD_TOO_LARGE: input(413),
  RECORD_INVALID: input(400),
  RECORD_MISSING: input(400),
  RECORD_UNKNOWN_KIND: input(400),
  RECORD_INVALID_METADATA: input(400),
  RECORD_FILE_NOT_ATTACHED: input(400),
  RECORD_DATE_IN_FUTURE: input(422),
  REVIEW_CONTRADICTS_ELEMENTS: input(422),
  PUBLICATION_INCOMPLETE: input(422),
  /** `collection.method: "service_capture"` is written by the capture service alone. */
  COLLECTION_METHOD_RESERVED: input(422),
  RECORD_NOT_FOUND: input(404),
  FILE_NOT_FOUND: input(404),
  /** Its bytes were erased (DESIGN §7): the record's digest of it stands, the bytes are gone. */
  FILE_ERASED: input(410),
  /** A file marked personal, asked for by a reader not entitled to every personal value. */
  FILE_PERSONAL: input(403),
  LINK_UNKNOWN_RECORD: input(422),
  LINK_WRONG_KIND: input(422),
  LINK_MISSING: input(422),
  LINK_TOO_MANY: input(422),
  LINK_NOT_ALLOWED: input(422),
  LINK_DUPLICATE: input(422),

  // Batches, receipts, certificates, verification
  BATCH_INDEX_INVALID: input(400),
  BATCH_NOT_FOUND: input(404),
  RECEIPT_MALFORMED: input(400),
  RECEIPT_UNSUPPORTED_FORMAT: input(400),
  ANCHOR_DEADLINE_INVALID: input(400),
  TSA_CA_INVALID: input(400),
  CERTIFICATE_FORMAT_INVALID: input(400),
  CERTIFICATE_NOT_READY: input(409),

  // Erasure of personal values
  ERASURE_INVALID: input(400),
  ERASURE_FIELD_UNKNOWN: input(422),
  ERASURE_FILE_UNKNOWN: input(422),
  ERASURE_FILE_NOT_PERSONAL: input(422),
  NOTHING_TO_ERASE: input(409),
  CERTIFICATE_LOOKUP_FAILED: input(404),
  BUNDLE_TOO_LARGE: input(413),
  BUNDLE_FILE_ALTERED: invariant,
  FILE_MISSING: invariant,
  CERTIFICATE_CODE_MISSING: input(400),
  LOOKUP_RATE_LIMITED: { kind: "input", status: 429, retryAfter: 60 },
  CERTIFICATE_FONT_MISSING: { kind: "unavailable", status: 503, retryAfter: 5 },

  // Search, exports, reports, cases, audits
  SEARCH_UNKNOWN_FILTER: input(400),
  SEARCH_INVALID: input(400),
  SEARCH_REVERSED_RANGE: input(400),
  EXPORT_UNKNOWN_FILTER: input(400),
  EXPORT_INVALID: input(400),
  EXPORT_REVERSED_RANGE: input(400),
  EXPORTS_BUSY: { kind: "overload", status: 503, retryAfter: 30 },
  REPORT_INVALID: input(400),
  REPORT_REVERSED_RANGE: input(400),
  CASE_JURISDICTION_INVALID: input(400),
  CASE_NOT_FOUND: input(404),
  CASE_QUERY_INVALID: input(400),
  WEBHOOK_INVALID: input(400),
  WEBHOOK_URL_INVALID: input(400),
  WEBHOOK_URL_SELF: input(400),
  WEBHOOK_URL_PRIVATE: input(400),
  WEBHOOK_URL_UNRESOLVED: input(400),
  WEBHOOK_NOT_FOUND: input(404),

  // Web captures
  CAPTURE_INVALID: input(400),
  CAPTURE_URL_INVALID: input(400),
  CAPTURE_URL_NOT_PUBLIC: input(422),
  CAPTURE_URL_UNRESOLVED: input(422),
  CAPTURE_URL_SELF: input(422),
  CAPTURE_NOT_FOUND: input(404),
  CAPTURE_QUEUE_FULL: { kind: "overload", status: 503, retryAfter: 30 },

  // Registers and the binder
  REGISTER_QUERY_INVALID: input(400),
  REGISTER_MERCHANT_UNKNOWN: input(404),
  CREDIT_PARTY_UNKNOWN: input(404),
  BINDER_QUERY_INVALID: input(400),
  CAMPAIGN_REGION_INVALID: input(400),
  CAMPAIGN_UNIT_UNKNOWN: input(404),
  AUDIT_FORMAT_INVALID: input(400),
  MANIFEST_MALFORMED: input(400),
  MANIFEST_UNSUPPORTED_FORMAT: input(400),

  // API keys
  KEY_INVALID: input(400),
  KEY_NOT_FOUND: input(404),
  KEY_EXISTS: input(409),
  KEY_LAST_ADMIN: input(409),
  KEYS_FILE_INVALID: invariant,

  // Capacity
  SERVICE_OVERLOADED: { kind: "overload", status: 503, retryAfter: 1 },
  SERVICE_SHUTTING_DOWN: { kind: "overload", status: 503, retryAfter: 5 },
  // An operator has to free space: a minute, not a second.
  STORAGE_FULL: { kind: "unavailable", status: 507, retryAfter: 60 },

  // The Merkle core, given a bad tree or proof (a caller's data, or ours: see each use)
  MERKLE_MALFORMED_TREE: input(400),
  MERKLE_BAD_LEAF_HASH: input(400),
  MERKLE_LEAF_INDEX_OUT_OF_RANGE: input(400),

  // Our own state contradicting itself
  RECORD_ALTERED: invariant,
  RECORD_UNREADABLE: invariant,
  INTAKE_STATEMENT_UNKNOWN: invariant,
  BATCH_ROOT_MISMATCH: invariant,
  BATCH_STATE_CONFLICT: invariant,
  ANCHOR_MISMATCH: invariant,
  ANCHOR_SEQUENCE_DIVERGED: invariant,
  LEDGER_CONTRACT_MISSING: invariant,
  EXPORT_ABORTED: invariant,
  CANONICAL_JSON_INVALID: invariant,
  HEX32_INVALID: invariant,

  // Anchoring held back on purpose
  ANCHOR_FEE_CAP_REACHED: { kind: "unavailable", status: 503, retryAfter: 60 },
  /** A replica's background role was taken by another (DESIGN §8): its write is refused. */
  ROLE_LOST: { kind: "unavailable", status: 503, retryAfter: 5 },
  /** PostgreSQL cannot be reached: nothing of the request was written; another replica may take it. */
  DATABASE_UNAVAILABLE: { kind: "unavailable", status: 503, retryAfter: 5 },
  OPERATOR_UNFUNDED: { kind: "unavailable", status: 503, retryAfter: 60 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function specOf(code: string): ErrorSpec | undefined {
  return (ERROR_CODES as Record<string, ErrorSpec>)[code];
}
