import { expect } from "chai";
import fc from "fast-check";
import { join } from "node:path";
import { hashApiKey, newApiKey, writeKeyEntries, type Role } from "../../service/keys";
import { exampleRecord } from "../support/http-client";
import { newDataDir, startTestNotary, type TestNotary } from "../support/notary";

interface Operation {
  parameters?: { name: string; in: "path" | "query"; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}
interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
}

/** Every role, a key that authenticates nobody, and no key at all. */
const ROLES: Role[] = ["platform", "regulator", "rights_holder", "merchant", "admin"];
const CALLERS = [...ROLES, "forged", "anonymous"] as const;
type Caller = (typeof CALLERS)[number];

/** Operations whose every call is expensive (a whole audit, an export): fewer runs. */
const HEAVY = new Set(["get /v1/audit", "get /v1/exports"]);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 60_000);

/**
 * Fuzzes every route the OpenAPI document lists, under every role, with requests built from the
 * document: path and query parameters from their schemas, mixed with hostile strings and
 * unknown parameters; JSON bodies from the examples, mutated, or any JSON; multipart bodies of
 * random parts. Every answer must be below 500 and documented for its operation.
 */
describe("the API fuzzed from its own OpenAPI document", function () {
  this.timeout(BUDGET_MS + 120_000);
  let notary: TestNotary;
  const keys = new Map<Caller, string | undefined>();
  const ids: string[] = [];

  before(async () => {
    const dir = await newDataDir();
    for (const role of ROLES) keys.set(role, newApiKey());
    keys.set("forged", newApiKey());
    keys.set("anonymous", undefined);
    await writeKeyEntries(
      join(dir, "keys", "api-keys.json"),
      ROLES.map((role) => ({
        id: role,
        name: role,
        role,
        parties: role === "merchant" ? ["shop:s-5521"] : [],
        keySha256: hashApiKey(keys.get(role)!),
      })),
    );
    notary = await startTestNotary(
      { MAX_FILE_BYTES: "65536", MAX_RECORD_BYTES: "65536", MAX_CONCURRENT_EXPORTS: "4" },
      dir,
    );
    const client = notary.client.withKey(keys.get("platform"));
    const evidence = await client.postRecord(await exampleRecord("evidence"), [
      { name: "e.txt", content: "evidence" },
    ]);
    ids.push((evidence.body as { id: string }).id);
    const notice = await client.postRecord(
      await exampleRecord("notice", [{ rel: "evidence", id: ids[0]! }]),
    );
    ids.push((notice.body as { id: string }).id);
  });
  after(async () => notary?.stop());

  it("answers every request below 500 with a documented status", async () => {
    const doc = (await (await fetch(`${notary.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const examples = await Promise.all(
      ["evidence", "notice", "counter_notice", "action", "filing", "commitment"].map((k) =>
        exampleRecord(k),
      ),
    );
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    const perOperationMs = BUDGET_MS / operations.length;
    // One sample per operation and status, so a report lists every kind of failure at once.
    const undocumented = new Map<string, string>();
    let requests = 0;
    for (const { path, method, op } of operations) {
      const name = `${method} ${path}`;
      const request = requestOf(op, path, examples, ids);
      const property = fc.asyncProperty(
        fc.constantFrom(...CALLERS),
        request,
        async (caller, built) => {
          const key = keys.get(caller);
          const response = await fetch(`${notary.url}${built.url}`, {
            method: method.toUpperCase(),
            headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...built.headers },
            body: built.body,
          });
          await response.arrayBuffer();
          requests++;
          const documented = String(response.status) in op.responses;
          if (response.status >= 500 || !documented)
            undocumented.set(
              `${name}: ${response.status}`,
              `as ${caller}, ${built.url}, ${built.headers["content-type"] ?? "no type"}`,
            );
          return response.status < 500;
        },
      );
      const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
      const out = await fc.check(property, {
        numRuns: HEAVY.has(name) ? 6 : 2_000,
        interruptAfterTimeLimit: HEAVY.has(name) ? perOperationMs * 4 : perOperationMs,
        seed,
      });
      // Out of time before a first answer (a loaded machine, a slow operation such as a PDF):
      // one request then, however long it takes, so no operation goes unchecked.
      if (out.failed && out.interrupted && out.numRuns === 0)
        await fc.assert(property, { numRuns: 1, seed });
      else if (out.failed) throw new Error(`${name}: ${fc.defaultReportMessage(out)}`);
    }
    expect(Object.fromEntries(undocumented)).to.deep.equal({});
    expect(requests).to.be.greaterThan(operations.length * 5);
  });
});

interface BuiltRequest {
  url: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

const hostile = fc.constantFrom(
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "null",
  "../../etc/passwd",
  "%00",
  "\u202e",
  "ＡＢＣ",
  "a".repeat(5_000),
  "'; drop table records; --",
  "0x" + "f".repeat(64),
);

function valueOf(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const typed =
    schema?.enum !== undefined
      ? fc.constantFrom(...schema.enum.map(String))
      : schema?.type === "integer" || schema?.type === "number"
        ? fc.integer({ min: -5, max: 2_000 }).map(String)
        : schema?.format === "date-time"
          ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
          : fc.string({ maxLength: 40 });
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 1, arbitrary: hostile });
}

function requestOf(
  op: Operation,
  template: string,
  examples: Record<string, unknown>[],
  ids: string[],
): fc.Arbitrary<BuiltRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  // An empty, "." or ".." segment names another route once the URL is normalised
  // (`/v1/keys/.` is `/v1/keys/`, which is `/v1/keys`): never those here.
  const pathValue = (schema: JsonSchema | undefined) =>
    fc
      .oneof(fc.constantFrom(...ids), fc.uuid(), fc.nat(50).map(String), valueOf(schema))
      .filter((v) => v.length > 0 && v !== "." && v !== "..");
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(p.schema)))
    .map((values) =>
      pathParams.reduce(
        (url, p, i) => url.replace(`{${p.name}}`, encodeURIComponent(values[i]!)),
        template,
      ),
    );
  const query = fc
    .tuple(
      fc
        .subarray(queryParams)
        .chain((chosen) =>
          fc.tuple(...chosen.map((p) => valueOf(p.schema).map((v) => [p.name, v] as const))),
        ),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string()), {
        freq: 4,
      }),
    )
    .map(([pairs, extra]) => {
      const search = new URLSearchParams(pairs as [string, string][]);
      if (extra) search.append(extra[0], extra[1]);
      const text = search.toString();
      return text ? `?${text}` : "";
    });
  const content = op.requestBody?.content ?? {};
  const bodies: fc.Arbitrary<Omit<BuiltRequest, "url">>[] = [fc.constant({ headers: {} })];
  if ("application/json" in content)
    bodies.push(
      fc.oneof(mutated(examples), fc.jsonValue({ maxDepth: 3 })).map((value) => ({
        headers: { "content-type": "application/json" },
        body: JSON.stringify(value) ?? "null",
      })),
    );
  if ("multipart/form-data" in content)
    bodies.push(
      fc
        .array(
          fc.tuple(
            fc.constantFrom("record", "receipt", "files", "other"),
            fc.oneof(
              mutated(examples).map((v) => JSON.stringify(v)),
              fc.string(),
            ),
            fc.option(fc.oneof(fc.string({ maxLength: 30 }), hostile)),
          ),
          { maxLength: 4 },
        )
        .map((parts) => {
          const form = new FormData();
          for (const [name, value, filename] of parts)
            if (filename === null) form.append(name, value);
            else form.append(name, new Blob([value]), filename || "f");
          return { headers: {}, body: form };
        }),
    );
  return fc
    .tuple(path, query, fc.oneof(...bodies))
    .map(([p, q, body]) => ({ url: p + q, ...body }));
}

/** An example record with one field replaced by something else, or left as it is. */
function mutated(examples: Record<string, unknown>[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...examples), fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.boolean())
    .map(([example, value, pick, change]) => {
      if (!change) return example;
      const copy = structuredClone(example) as Record<string, unknown>;
      const metadata = (copy.metadata ?? {}) as Record<string, unknown>;
      const fields = Object.keys(metadata);
      if (fields.length > 0) metadata[fields[pick % fields.length]!] = value;
      else copy.kind = value;
      return copy;
    });
}
