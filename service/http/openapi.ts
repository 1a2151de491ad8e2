import { WEBHOOK_EVENTS } from "../webhooks";
import { ErasureRequest } from "../notary/erasures";
import { BinderSchema } from "../binder";
import { CertificateSchema } from "../certificate/certificate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PACKAGE_ROOT } from "../package-root";
import { createDocument } from "zod-openapi";
import { LINK_RELS, METADATA_SCHEMAS, RECORD_KINDS } from "../records";
import { ROLES } from "../keys";
import { Receipt } from "../receipts";
import { NewKey } from "./keys-routes";
import { CaptureBody } from "./capture-routes";
import { RECORD_FILTERS } from "./record-filters";
import { BinderQuery, CampaignFormQuery, StatisticsQuery } from "./report-routes";
import { CampaignFormSchema } from "../reports";
import { SEARCH_PAGING } from "./search-routes";

const EXAMPLES_DIR = join(PACKAGE_ROOT, "examples", "records");

function exampleOf(kind: string): unknown {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, `${kind}.json`), "utf8"));
}

const ErrorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: "Stable SCREAMING_SNAKE code; switch on this, never on the message" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: "Error" });

const Link = z.object({ rel: z.enum(LINK_RELS), id: z.uuid() });

const RecordInput = z
  .discriminatedUnion(
    "kind",
    RECORD_KINDS.map((kind) =>
      z.object({
        kind: z.literal(kind),
        metadata: METADATA_SCHEMAS[kind].meta({ id: `${kind}Metadata` }),
        links: z.array(Link).optional(),
        personalFiles: z.array(z.string()).optional().meta({
          description:
            "Attached files that hold personal data, besides those the kind marks (a filing's identityProofFiles): their bytes can be erased, their digests stay",
        }),
      }),
    ) as never,
  )
  .meta({ id: "RecordInput" });

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description: "Refused; see error.code",
        content: { "application/json": { schema: ErrorBody } },
      },
    ]),
  );

const TsaCa = z.string().optional().meta({
  description:
    "Root certificates (PEM) of TSAs the caller trusts, besides those the service is configured with",
});

const Format = (...formats: [string, ...string[]]) =>
  z.object({ format: z.enum(formats).default(formats[0]).optional() });

const KeyView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  parties: z.array(z.string()),
});

const SearchPage = z
  .object({
    records: z.array(
      z.object({
        id: z.uuid(),
        seq: z.number().int(),
        kind: z.string(),
        receivedAt: z.string(),
        batchIndex: z.number().int().nullable(),
        url: z.string(),
      }),
    ),
    nextCursor: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Pass as cursor for the next page; null on the last page" }),
  })
  .meta({ id: "SearchPage" });

const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string().meta({ format: "binary" }) } },
});
const html = (description: string) => ({
  description,
  content: { "text/html": { schema: z.string() } },
});

const examples = Object.fromEntries(RECORD_KINDS.map((kind) => [kind, { value: exampleOf(kind) }]));
const bearer = [{ apiKey: [] }];

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): object {
  return withTransportErrors(
    createDocument({
      openapi: "3.1.0",
      info: {
        title: "Evidence notary",
        version: "1.0.0",
        description: "Notarises IP-dispute records and anchors them on an EVM chain.",
      },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
      paths: {
        "/v1/records": {
          get: {
            summary: "Search records by merchant, rights holder, right, listing, kind and time",
            security: bearer,
            requestParams: { query: z.object({ ...RECORD_FILTERS, ...SEARCH_PAGING }) },
            responses: {
              "200": {
                description: "A page of records in seq order",
                content: { "application/json": { schema: SearchPage } },
              },
              ...errors(400, 401, 403),
            },
          },
          post: {
            summary:
              "Submit a record (notice, counter-notice, evidence, action, filing, commitment)",
            security: bearer,
            requestBody: {
              content: {
                "application/json": { schema: RecordInput, examples },
                "multipart/form-data": {
                  schema: z.object({
                    record: z.string().meta({ description: "The record as JSON (RecordInput)" }),
                    files: z.array(z.string().meta({ format: "binary" })).optional(),
                  }),
                },
              },
            },
            responses: {
              "201": {
                description: "Accepted: the record id and its signed intake receipt",
                content: {
                  "application/json": {
                    schema: z.object({
                      id: z.uuid(),
                      receipt: Receipt.meta({ id: "Receipt" }),
                      warnings: z
                        .array(
                          z.object({
                            code: z.literal("FILE_EMPTY"),
                            file: z.string(),
                            message: z.string(),
                          }),
                        )
                        .optional()
                        .meta({ description: "Accepted, but worth a look: an empty file" }),
                    }),
                  },
                },
              },
              ...errors(400, 401, 403, 408, 413, 415, 422, 503, 507),
            },
          },
        },
        "/v1/records/{id}/certificate": {
          get: {
            summary:
              "The evidence certificate (存证证书) of an anchored record: HTML, PDF, or its data as JSON",
            security: bearer,
            requestParams: {
              path: z.object({ id: z.uuid() }),
              query: Format("html", "pdf", "json"),
            },
            responses: {
              "200": {
                description: "The certificate, in Chinese and English",
                content: {
                  "text/html": { schema: z.string() },
                  "application/pdf": { schema: z.string().meta({ format: "binary" }) },
                  "application/json": {
                    schema: CertificateSchema.meta({ id: "Certificate" }),
                  },
                },
              },
              ...errors(400, 401, 403, 404, 409),
            },
          },
        },
        "/v1/records/{id}/bundle": {
          get: {
            summary:
              "The court bundle of a record: certificate, receipt, original files, offline verification page, README, manifest notarised",
            security: bearer,
            requestParams: { path: z.object({ id: z.uuid() }) },
            responses: {
              "200": binary("application/zip", "The bundle, streamed"),
              ...errors(401, 403, 404, 413, 503),
            },
          },
        },
        "/v1/cases/{id}/bundle": {
          get: {
            summary:
              "The court bundle of a case: the notice, its evidence, the declarations and the actions, each as in a record's bundle",
            security: bearer,
            requestParams: {
              path: z.object({ id: z.uuid().meta({ description: "The notice's record id" }) }),
            },
            responses: {
              "200": binary("application/zip", "The bundle, streamed"),
              ...errors(401, 403, 404, 413, 503),
            },
          },
        },
        "/v1/me": {
          get: {
            summary: "The key presenting itself: id, name, role and parties (never the key)",
            security: bearer,
            responses: { "200": { description: "The key" }, ...errors(401) },
          },
        },
        "/portal": {
          get: {
            summary:
              "The parties' portal (HTML): rights holders and merchants sign in with their key and see and do their part",
            responses: {
              "200": { description: "HTML", content: { "text/html": { schema: z.string() } } },
            },
          },
        },
        "/v1/webhooks": {
          post: {
            summary:
              "Subscribe a URL to events (record.anchored, case.action, case.deadline, capture.done) this key may know of; the signing secret is answered once",
            security: bearer,
            requestBody: {
              content: {
                "application/json": {
                  schema: z.object({
                    url: z.string(),
                    events: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
                  }),
                },
              },
            },
            responses: {
              "201": { description: "The subscription, with its secret" },
              ...errors(400, 401, 403, 413, 415),
            },
          },
          get: {
            summary: "This key's webhook subscriptions (never their secrets)",
            security: bearer,
            responses: { "200": { description: "The subscriptions" }, ...errors(401, 403) },
          },
        },
        "/v1/captures": {
          post: {
            summary:
              "Capture a page (网页取证): the service fetches it in a fresh headless Chromium, records every exchange (WARC), screenshots, TLS chain, redirects and DNS, and notarises them as one evidence record",
            security: bearer,
            requestBody: {
              content: {
                "application/json": {
                  schema: CaptureBody,
                },
              },
            },
            responses: {
              "202": { description: "Queued: the capture's id and state (Location: its URL)" },
              ...errors(400, 401, 403, 413, 415, 422, 503),
            },
          },
        },
        "/v1/captures/{id}": {
          get: {
            summary:
              "A capture's state: queued, capturing, notarised (with the evidence record's id) or failed (with a code)",
            security: bearer,
            requestParams: { path: z.object({ id: z.string() }) },
            responses: { "200": { description: "The capture" }, ...errors(401, 403, 404) },
          },
        },
        "/v1/webhooks/{id}": {
          delete: {
            summary: "End a subscription; its delivery log stays",
            security: bearer,
            requestParams: { path: z.object({ id: z.string() }) },
            responses: { "204": { description: "Ended" }, ...errors(401, 403, 404) },
          },
        },
        "/v1/webhooks/{id}/deliveries": {
          get: {
            summary: "A subscription's delivery log: each event, its attempts, the last answer",
            security: bearer,
            requestParams: { path: z.object({ id: z.string() }) },
            responses: {
              "200": { description: "The log, newest first" },
              ...errors(401, 403, 404),
            },
          },
        },
        "/v1/exports": {
          get: {
            summary:
              "A regulator's export: the eight data types as JSON Lines and CSV with receipts, a manifest of digests, the manifest notarised",
            security: bearer,
            requestParams: { query: z.object(RECORD_FILTERS) },
            responses: {
              "200": binary("application/zip", "The archive, streamed"),
              ...errors(400, 401, 403, 503),
            },
          },
        },
        "/v1/audit": {
          get: {
            summary:
              "Audit the whole ledger: re-hash records and files, rebuild roots, compare with the chain",
            security: bearer,
            requestParams: { query: Format("json", "html") },
            responses: {
              "200": {
                description: "The audit report; requests during a run share its report",
                content: {
                  "application/json": {
                    schema: z.looseObject({ format: z.literal("evidence-audit/v1") }),
                  },
                  "text/html": { schema: z.string() },
                },
              },
              ...errors(400, 401, 403),
            },
          },
        },
        "/v1/reports/statistics": {
          get: {
            summary: "Enforcement campaign statistics for records received in [from, to)",
            security: bearer,
            requestParams: { query: StatisticsQuery },
            responses: {
              "200": {
                description: "The statistics",
                content: {
                  "application/json": {
                    schema: z.looseObject({ format: z.literal("evidence-statistics/v1") }),
                  },
                  "text/csv": { schema: z.string() },
                },
              },
              ...errors(400, 401, 403),
            },
          },
        },
        "/v1/certificates/{number}": {
          get: {
            summary:
              "The anchored receipt a printed certificate names (no key): its number and the verification code printed on it; rate-limited per address",
            requestParams: {
              path: z.object({
                number: z.string().meta({ description: "EN-<seq>-<leaf hash prefix>, as printed" }),
              }),
              query: z.object({
                code: z.string().meta({ description: "The verification code, as printed" }),
              }),
            },
            responses: {
              "200": {
                description: "The receipt",
                content: {
                  "application/json": {
                    schema: z.object({ receipt: Receipt }),
                  },
                },
              },
              ...errors(400, 404, 429),
            },
          },
        },
        "/public/publications": {
          get: {
            summary:
              "The publication page (no key): notices, declarations, outcomes and penalties published, personal data redacted",
            responses: {
              "200": { description: "HTML", content: { "text/html": { schema: z.string() } } },
            },
          },
        },
        "/v1/public/publications": {
          get: {
            summary: "The publication feed as JSON (no key), newest first",
            responses: { "200": { description: "The feed, format publication-feed/v1" } },
          },
        },
        "/public/contacts": {
          get: {
            summary:
              "The IP contact directory page (no key): the current version and every earlier one",
            responses: {
              "200": { description: "HTML", content: { "text/html": { schema: z.string() } } },
            },
          },
        },
        "/v1/public/contacts": {
          get: {
            summary: "The contact directory's versions as JSON (no key), newest first",
            responses: { "200": { description: "The versions" } },
          },
        },
        "/v1/reports/campaign-form": {
          get: {
            summary:
              "The monthly campaign statistics form (专项整治数据统计表) per reporting unit, from campaign records",
            security: bearer,
            requestParams: { query: CampaignFormQuery },
            responses: {
              "200": {
                description: "One form per reporting unit",
                content: {
                  "application/json": { schema: CampaignFormSchema },
                  "text/csv": { schema: z.string() },
                  "application/pdf": { schema: z.string().meta({ format: "binary" }) },
                },
              },
              ...errors(400, 401, 403, 404, 503),
            },
          },
        },
        "/v1/reports/gbt39550": {
          get: {
            summary:
              "The GB/T 39550-2020 evaluation binder for records received in [from, to): every row of the table, the evidence the ledger holds, the score it supports",
            security: bearer,
            requestParams: { query: BinderQuery },
            responses: {
              "200": {
                description: "The binder",
                content: {
                  "application/json": { schema: BinderSchema },
                  "text/html": { schema: z.string() },
                  "application/pdf": { schema: z.string().meta({ format: "binary" }) },
                },
              },
              ...errors(400, 401, 403, 503),
            },
          },
        },
        "/v1/registers/merchants": {
          get: {
            summary:
              "The merchant enforcement register: every merchant with its counts, credit and what is due (termination, rectification); filtered by status",
            security: bearer,
            requestParams: {
              query: z.object({
                status: z
                  .enum(["all", "termination-due", "watch", "honour", "key-management"])
                  .optional(),
                from: z.iso.datetime({ offset: true }).optional(),
                to: z.iso.datetime({ offset: true }).optional(),
              }),
            },
            responses: { "200": { description: "The merchants" }, ...errors(400, 401, 403) },
          },
        },
        "/v1/registers/merchants/{key}": {
          get: {
            summary:
              "One merchant's register entry: events, current filing and its history, credit",
            security: bearer,
            requestParams: {
              path: z.object({
                key: z.string().meta({ description: "Credit code, shop:<id> or name:<name>" }),
              }),
            },
            responses: { "200": { description: "The entry" }, ...errors(401, 403, 404) },
          },
        },
        "/v1/registers/malicious-notifiers": {
          get: {
            summary: "The malicious-notifier register: notifiers flagged, with each flag",
            security: bearer,
            responses: { "200": { description: "The register" }, ...errors(401, 403) },
          },
        },
        "/v1/registers/credit/{party}": {
          get: {
            summary: "The credit evaluation of a merchant or rights holder, with each deduction",
            security: bearer,
            requestParams: {
              path: z.object({
                party: z.string().meta({ description: "Identity document number or merchant key" }),
              }),
            },
            responses: { "200": { description: "The credit" }, ...errors(401, 403, 404) },
          },
        },
        "/v1/cases": {
          get: {
            summary:
              "Cases to act on: each notice's case with its overdue steps and next due step; a party's key lists the cases of notices it may read",
            security: bearer,
            requestParams: {
              query: z.object({
                status: z.enum(["all", "open", "overdue", "due-soon"]).optional(),
                jurisdiction: z.enum(["CN", "DMCA", "DSA"]).optional(),
                within: z.coerce.number().int().optional().meta({ description: "due-soon: hours" }),
                limit: z.coerce.number().int().optional(),
                cursor: z.coerce.number().int().optional(),
              }),
            },
            responses: { "200": { description: "A page of cases" }, ...errors(400, 401, 403) },
          },
        },
        "/v1/cases/{id}": {
          get: {
            summary:
              "A case's notarised timeline, each step checked against the profile's time rules",
            security: bearer,
            requestParams: {
              path: z.object({ id: z.uuid().meta({ description: "The notice's record id" }) }),
              query: z.object({
                jurisdiction: z.enum(["CN", "DMCA", "DSA"]).default("CN").optional(),
              }),
            },
            responses: { "200": { description: "The timeline" }, ...errors(400, 401, 403, 404) },
          },
        },
        "/v1/keys": {
          get: {
            summary: "The API keys (admin): ids, names, roles and parties, never the keys",
            security: bearer,
            responses: {
              "200": {
                description: "The keys",
                content: { "application/json": { schema: z.object({ keys: z.array(KeyView) }) } },
              },
              ...errors(401, 403),
            },
          },
          post: {
            summary: "Create an API key (admin); the key is in this answer only",
            security: bearer,
            requestBody: { content: { "application/json": { schema: NewKey } } },
            responses: {
              "201": {
                description: "The new key",
                content: { "application/json": { schema: KeyView.extend({ key: z.string() }) } },
              },
              ...errors(400, 401, 403),
            },
          },
        },
        "/v1/keys/{id}": {
          delete: {
            summary: "Revoke an API key (admin)",
            security: bearer,
            requestParams: { path: z.object({ id: z.string() }) },
            responses: { "204": { description: "Revoked" }, ...errors(401, 403, 404, 409) },
          },
        },
        "/v1/verify": {
          post: {
            summary: "Verify a receipt with its files (hashed, never stored) against the chain",
            requestParams: {
              query: z.object({
                minConfirmations: z.coerce.number().int().min(0).default(1).optional(),
              }),
            },
            requestBody: {
              content: {
                "application/json": {
                  schema: z.object({
                    receipt: Receipt,
                    fileDigests: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/)).optional(),
                    tsaCa: TsaCa,
                  }),
                },
                "multipart/form-data": {
                  schema: z.object({
                    receipt: z.string().meta({ description: "The receipt as JSON" }),
                    files: z.array(z.string().meta({ format: "binary" })).optional(),
                    tsaCa: TsaCa,
                  }),
                },
              },
            },
            responses: {
              "200": {
                description:
                  "The verdict, each check, every witness (who controls it, its time) and what is proven",
              },
              ...errors(400, 408, 413, 415),
            },
          },
        },
        "/v1/tsa-roots": {
          get: {
            summary:
              "The TSA root certificates this service checks time-stamp tokens against (PEM)",
            responses: { "200": binary("application/x-pem-file", "PEM certificates, maybe none") },
          },
        },
        "/v1/rpc": {
          post: {
            summary: "Read-only JSON-RPC to the ledger's chain, for the verification page",
            description:
              "Serves only what verifying a receipt needs: chain id, blocks, transactions and receipts, code, logs in ranges of at most RPC_MAX_LOG_RANGE blocks, and calls to a published EvidenceLedger build's view functions (gas capped). Anything else is a JSON-RPC error whose data.code says why: RPC_METHOD_NOT_ALLOWED, RPC_CALL_NOT_ALLOWED, RPC_PARAMS_INVALID, RPC_LOG_RANGE_TOO_WIDE, RPC_BATCH_TOO_LARGE (over 20 requests), RPC_TIMEOUT.",
            responses: {
              "200": { description: "The JSON-RPC answer" },
              "400": { description: "The body is not JSON (JSON-RPC parse error)" },
              "413": { description: "The body is larger than 256 KiB" },
              "429": {
                description:
                  "Too many requests from this address (RPC_REQUESTS_PER_WINDOW per RPC_WINDOW_MS): a JSON-RPC error with data.code RPC_RATE_LIMITED",
              },
            },
          },
        },
        "/verify": {
          get: {
            summary: "The public verification page: checks a receipt in the browser",
            responses: { "200": html("The page") },
          },
        },
        "/v1/records/{id}": {
          get: {
            summary: "A record, its files and anchoring status",
            security: bearer,
            requestParams: { path: z.object({ id: z.uuid() }) },
            responses: { "200": { description: "The record" }, ...errors(401, 403, 404) },
          },
        },
        "/v1/records/{id}/erasure": {
          post: {
            summary:
              "Erase personal values of a record (all it keeps, or the fields named): notarises an erasure record, then deletes their disclosures; every proof still verifies",
            security: bearer,
            requestParams: { path: z.object({ id: z.uuid() }) },
            requestBody: {
              content: { "application/json": { schema: ErasureRequest } },
            },
            responses: {
              "201": {
                description: "The erasure record's id and receipt, the digests and fields erased",
              },
              ...errors(400, 401, 403, 404, 409, 422),
            },
          },
        },
        "/v1/records/{id}/receipt": {
          get: {
            summary: "The record's latest receipt: pending, or anchored with its proof",
            security: bearer,
            requestParams: { path: z.object({ id: z.uuid() }) },
            responses: {
              "200": {
                description: "The receipt",
                content: { "application/json": { schema: Receipt } },
              },
              ...errors(401, 403, 404),
            },
          },
        },
        "/v1/records/{id}/files/{sha256}": {
          get: {
            summary: "The original bytes of one of the record's files",
            security: bearer,
            requestParams: {
              path: z.object({ id: z.uuid(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
            },
            responses: { "200": { description: "The file" }, ...errors(400, 401, 403, 404) },
          },
        },
        "/v1/batches/{index}": {
          get: {
            summary: "A batch: its range, root and anchoring transaction",
            security: bearer,
            requestParams: { path: z.object({ index: z.string().regex(/^\d+$/) }) },
            responses: { "200": { description: "The batch" }, ...errors(400, 401, 403, 404) },
          },
        },
        "/v1/ledger": {
          get: {
            summary: "Chain, contract, operator, sequence and anchoring lag",
            responses: { "200": { description: "Ledger state" } },
          },
        },
        "/healthz": {
          get: { summary: "Liveness", responses: { "200": { description: "Alive" } } },
        },
        "/favicon.ico": {
          get: {
            summary: "The service's icon (SVG), so browsers find one",
            responses: {
              "200": {
                description: "The icon",
                content: { "image/svg+xml": { schema: { type: "string" } } },
              },
            },
          },
        },
        "/readyz": {
          get: {
            summary: "Readiness, with anchoring lag",
            responses: { "200": { description: "Ready" }, "503": { description: "Not ready" } },
          },
        },
        "/metrics": {
          get: { summary: "Prometheus metrics", responses: { "200": { description: "Metrics" } } },
        },
        "/v1/openapi.json": {
          get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
        },
      },
    }),
  );
}

/**
 * Answers the HTTP server gives before any route runs (see http-server.ts): headers too slow
 * (408) or too large (431, a long query string included). Every operation can receive them.
 */
function withTransportErrors<D extends object>(doc: D): D {
  const transport = errors(408, 431);
  const paths = (doc as { paths?: Record<string, object> }).paths ?? {};
  for (const operations of Object.values(paths))
    for (const op of Object.values(operations) as { responses?: Record<string, unknown> }[])
      if (op.responses) op.responses = { ...transport, ...op.responses };
  return doc;
}
