import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { createDocument } from "zod-openapi";
import { LINK_RELS, METADATA_SCHEMAS, RECORD_KINDS } from "../records";
import { Receipt } from "../receipts";

const EXAMPLES_DIR = join(__dirname, "..", "..", "examples", "records");

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

const examples = Object.fromEntries(RECORD_KINDS.map((kind) => [kind, { value: exampleOf(kind) }]));
const bearer = [{ apiKey: [] }];

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): object {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Evidence notary",
      version: "1.0.0",
      description: "Notarises IP-dispute records and anchors them on an EVM chain.",
    },
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
    paths: {
      "/v1/records": {
        post: {
          summary: "Submit a record (notice, counter-notice, evidence, action, filing, commitment)",
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
                  schema: z.object({ id: z.uuid(), receipt: Receipt.meta({ id: "Receipt" }) }),
                },
              },
            },
            ...errors(400, 401, 413, 415, 422, 503),
          },
        },
      },
      "/v1/records/{id}": {
        get: {
          summary: "A record, its files and anchoring status",
          security: bearer,
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: { "200": { description: "The record" }, ...errors(401, 404) },
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
            ...errors(401, 404),
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
          responses: { "200": { description: "The file" }, ...errors(400, 401, 404) },
        },
      },
      "/v1/batches/{index}": {
        get: {
          summary: "A batch: its range, root and anchoring transaction",
          security: bearer,
          requestParams: { path: z.object({ index: z.string().regex(/^\d+$/) }) },
          responses: { "200": { description: "The batch" }, ...errors(400, 401, 404) },
        },
      },
      "/v1/ledger": {
        get: {
          summary: "Chain, contract, operator, sequence and anchoring lag",
          responses: { "200": { description: "Ledger state" } },
        },
      },
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "Alive" } } } },
      "/readyz": {
        get: {
          summary: "Readiness, with anchoring lag",
          responses: { "200": { description: "Ready" }, "503": { description: "Not ready" } },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics", responses: { "200": { description: "Metrics" } } },
      },
    },
  });
}
