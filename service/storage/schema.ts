import type { Generated } from "kysely";

/**
 * The SQL schema, the same on SQLite and PostgreSQL. Hashes are lowercase hex text and the
 * canonical record is its RFC 8785 JSON text: portable across both engines and readable by a
 * regulator with nothing but an SQL client.
 */
export interface LedgerStateTable {
  id: number;
  next_seq: number;
  /** The chain, contract and operator this ledger anchors to, fixed at first start. */
  chain_id: string | null;
  contract: string | null;
  operator: string | null;
}

export interface RecordTable {
  id: string;
  seq: number;
  kind: string;
  received_at: string;
  submitter_key: string;
  /** RFC 8785 JSON of the canonical record: the leaf's data, byte for byte (UTF-8). */
  canonical: string;
  leaf_hash: string;
  /** The operator's signature over the intake statement, 0x-hex. */
  signature: string;
  anchor_deadline: string;
  /** What the signature covers: 1 the leaf hash (EIP-191), 2 the EIP-712 intake statement. */
  intake_statement: number;
  batch_index: number | null;
}

export interface RecordFileTable {
  record_id: string;
  position: number;
  sha256: string;
  size: number;
  media_type: string;
  name: string;
  /** A personal file's end of keeping (DESIGN §7); null for a file that holds no personal data. */
  keep_until: string | null;
  /** The erasure record that erased a personal file's bytes. */
  erased_by: string | null;
}

export interface RecordLinkTable {
  record_id: string;
  rel: string;
  target_id: string;
}

export interface RecordPartyTable {
  record_id: string;
  party: string;
}

export interface RecordTermTable {
  record_id: string;
  field: string;
  value: string;
}

/** A personal value of a v2 record, disclosed apart from it (DESIGN §7). */
export interface RecordDisclosureTable {
  record_id: string;
  /** base64url SHA-256 of the disclosure: what the record's `_sd` lists. */
  digest: string;
  /** base64url JSON `[salt, name, value]` or `[salt, value]` (RFC 9901). */
  disclosure: string;
  /** Where the value stood in the metadata, JSON (for erasure by field and the README table). */
  path: string;
  /** Who may be shown it besides the submitter, platform and regulators (disclosure/audience). */
  audience: "owner" | "case";
  /** The earliest it may be erased by the keeping period (ISO 8601); the case may keep it longer. */
  keep_until: string;
}

export type BatchStatus = "cut" | "sent" | "anchored";

export interface BatchTable {
  batch_index: number;
  first_seq: number;
  count: number;
  root: string;
  status: BatchStatus;
  cut_at: string;
  operator: string;
  tx_hash: string | null;
  raw_tx: string | null;
  nonce: number | null;
  sent_at: string | null;
  block_number: number | null;
  block_hash: string | null;
  block_timestamp: number | null;
  anchored_at: string | null;
  attempts: Generated<number>;
  last_error: string | null;
}

/** A witness of a batch root from outside the service (DESIGN §6), stored once fetched. */
export interface BatchWitnessTable {
  batch_index: number;
  /** Who attests: for RFC 3161, the TSA's URL as configured. */
  source: string;
  /** "rfc3161". */
  kind: string;
  /** The evidence itself, base64 (for RFC 3161, the DER time-stamp token). */
  token: string;
  /** The time the witness attests, ISO 8601. */
  attested_at: string;
  fetched_at: string;
}

export interface WebhookTable {
  id: string;
  owner_key: string;
  url: string;
  /** Hex; signs every delivery. Returned once, when the subscription is made. */
  secret: string;
  /** JSON array of event types. */
  events: string;
  created_at: string;
  deleted_at: string | null;
}

export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface RoleLeaseTable {
  role: string;
  holder: string;
  epoch: number;
  lease_until: number;
}

export interface RateLimitTable {
  key: string;
  hits: number;
  reset_at: number;
}

/** API keys when replicas share PostgreSQL: SHA-256 only, revoked rows kept. */
export interface ApiKeyTable {
  id: string;
  name: string;
  role: string;
  /** JSON array of the party identifiers the key reads for. */
  parties: string;
  key_sha256: string;
  created_at: string;
  revoked_at: string | null;
}

/** A web capture asked for through the API, until it is notarised or fails (any replica runs it). */
export interface CaptureTable {
  id: string;
  url: string;
  /** JSON: caseRef, note, scroll as asked. */
  request: string;
  requester_key: string;
  state: "queued" | "capturing" | "notarised" | "failed";
  /** How many times a replica took it (a replica that died mid-capture leaves it to another). */
  attempts: number;
  /** Until when the replica that took it holds it. */
  hold_until: string | null;
  requested_at: string;
  started_at: string | null;
  finished_at: string | null;
  record_id: string | null;
  error_code: string | null;
  error_message: string | null;
}

export interface Schema {
  ledger_state: LedgerStateTable;
  records: RecordTable;
  record_files: RecordFileTable;
  record_links: RecordLinkTable;
  record_parties: RecordPartyTable;
  record_terms: RecordTermTable;
  record_disclosures: RecordDisclosureTable;
  batch_witnesses: BatchWitnessTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  batches: BatchTable;
  role_leases: RoleLeaseTable;
  rate_limits: RateLimitTable;
  api_keys: ApiKeyTable;
  captures: CaptureTable;
}
