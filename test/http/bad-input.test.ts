import { expect } from "chai";
import { readdir } from "node:fs/promises";
import {
  exampleRecord,
  type HttpAnswer,
  type HttpClient,
  type UploadFile,
} from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";

interface BadCase {
  name: string;
  send: (client: HttpClient) => Promise<HttpAnswer>;
  status: number;
  code: string;
}

const FILE_LIMIT = 64 * 1024;

describe("HTTP API: bad input", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let noticeId: string;
  let evidenceId: string;

  before(async () => {
    notary = await startTestNotary({
      MAX_FILE_BYTES: String(FILE_LIMIT),
      MAX_FILES: "2",
      MAX_RECORD_BYTES: String(32 * 1024),
    });
    const evidence = await notary.client.postRecord(await exampleRecord("evidence"));
    evidenceId = (evidence.body as { id: string }).id;
    const notice = await notary.client.postRecord(
      await exampleRecord("notice", [{ rel: "evidence", id: evidenceId }]),
    );
    noticeId = (notice.body as { id: string }).id;
  });
  after(async () => notary?.stop());

  const file = (name: string, size = 10): UploadFile => ({
    name,
    content: new Uint8Array(size).fill(size % 251),
  });
  const withMetadata = async (
    kind: string,
    change: (m: Record<string, unknown>) => void,
    links: { rel: string; id: string }[] = [],
  ) => {
    const record = await exampleRecord(kind, links);
    change(record.metadata as Record<string, unknown>);
    return record;
  };
  /** A formal review returning `id` for supplement, naming `element` as missing. */
  const returnFor = (id: string, element: string) =>
    withMetadata(
      "action",
      (m) => {
        m.type = "formal_review";
        m.review = {
          outcome: "returned_for_supplement",
          missing: [{ element, reason: `no ${element}` }],
        };
      },
      [{ rel: "concerns", id }],
    );
  const unknownId = "00000000-0000-4000-8000-0000000000aa";

  const cases: BadCase[] = [
    {
      name: "invalid JSON in the record part",
      send: (c) => c.postRecord("{not json", [file("a.txt")]),
      status: 400,
      code: "RECORD_INVALID_JSON",
    },
    {
      name: "invalid JSON body",
      send: (c) => c.postRaw("/v1/records", "{not json", "application/json"),
      status: 400,
      code: "RECORD_INVALID_JSON",
    },
    {
      name: "a multipart upload without a record part",
      send: (c) => c.postRaw("/v1/records", "--x--\r\n", "multipart/form-data; boundary=x"),
      status: 400,
      code: "RECORD_MISSING",
    },
    {
      name: "an unknown kind",
      send: async (c) =>
        c.postRecord({ ...(await exampleRecord("filing")), kind: "complaint" }, [file("a.txt")]),
      status: 400,
      code: "RECORD_UNKNOWN_KIND",
    },
    {
      name: "a record that is not an object",
      send: (c) => c.postRecord("[1,2,3]"),
      status: 400,
      code: "RECORD_INVALID",
    },
    {
      name: "missing required fields",
      send: async (c) =>
        c.postRecord(await withMetadata("filing", (m) => delete m.merchant), [file("a.txt")]),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "wrong types",
      send: async (c) =>
        c.postRecord(await withMetadata("commitment", (m) => (m.signedAt = 20260105))),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "an unknown metadata field",
      send: async (c) => c.postRecord(await withMetadata("commitment", (m) => (m.extra = "x"))),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "goods IP naming a proof file that was not attached",
      send: async (c) =>
        c.postRecord(
          await withMetadata("filing", (m) => {
            const goods = m.goodsIp as { shown: { proofFiles?: string[] }[] }[];
            goods[0]!.shown[0]!.proofFiles = ["licence.pdf"];
          }),
          [file("other.pdf")],
        ),
      status: 400,
      code: "RECORD_FILE_NOT_ATTACHED",
    },
    {
      name: "an excluded delay without its period",
      send: async (c) =>
        c.postRecord(
          await withMetadata("action", (m) => (m.type = "delay_excluded"), [
            { rel: "concerns", id: noticeId },
          ]),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "an excluded delay that ends before it starts",
      send: async (c) =>
        c.postRecord(
          await withMetadata(
            "action",
            (m) => {
              m.type = "delay_excluded";
              m.excludedPeriod = {
                from: "2026-03-10T00:00:00Z",
                to: "2026-03-09T00:00:00Z",
                cause: "notarisation",
              };
            },
            [{ rel: "concerns", id: noticeId }],
          ),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "metadata naming a file that was not attached",
      send: async (c) =>
        c.postRecord(
          await withMetadata("filing", (m) => (m.identityProofFiles = ["licence.pdf"])),
          [file("other.pdf")],
        ),
      status: 400,
      code: "RECORD_FILE_NOT_ATTACHED",
    },
    {
      name: "an oversized file",
      send: async (c) =>
        c.postRecord(await exampleRecord("evidence"), [file("big.bin", FILE_LIMIT + 1)]),
      status: 413,
      code: "FILE_TOO_LARGE",
    },
    {
      name: "too many files",
      send: async (c) =>
        c.postRecord(await exampleRecord("evidence"), [
          file("1.bin", 1),
          file("2.bin", 2),
          file("3.bin", 3),
        ]),
      status: 413,
      code: "TOO_MANY_FILES",
    },
    {
      name: "an oversized record part",
      send: async (c) =>
        c.postRecord(await withMetadata("commitment", (m) => (m.text = "x".repeat(40_000)))),
      status: 413,
      code: "RECORD_TOO_LARGE",
    },
    {
      name: "a link to an unknown record",
      send: async (c) =>
        c.postRecord(await exampleRecord("evidence", [{ rel: "supports", id: unknownId }]), [
          file("a.txt"),
        ]),
      status: 422,
      code: "LINK_UNKNOWN_RECORD",
    },
    {
      name: "a counter-notice without a notice",
      send: async (c) => c.postRecord(await exampleRecord("counter_notice"), [file("a.txt")]),
      status: 422,
      code: "LINK_MISSING",
    },
    {
      name: "a counter-notice answering an unknown notice",
      send: async (c) =>
        c.postRecord(await exampleRecord("counter_notice", [{ rel: "answers", id: unknownId }])),
      status: 422,
      code: "LINK_UNKNOWN_RECORD",
    },
    {
      name: "a counter-notice answering a record that is not a notice",
      send: async (c) =>
        c.postRecord(await exampleRecord("counter_notice", [{ rel: "answers", id: evidenceId }])),
      status: 422,
      code: "LINK_WRONG_KIND",
    },
    {
      name: "a notice with an unknown channel",
      send: async (c) =>
        c.postRecord(
          await withMetadata("notice", (m) => (m.channel = "carrier_pigeon"), [
            { rel: "evidence", id: evidenceId },
          ]),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a return for supplement that names no missing element",
      send: async (c) =>
        c.postRecord(
          await withMetadata(
            "action",
            (m) => {
              m.type = "formal_review";
              m.review = { outcome: "returned_for_supplement" };
            },
            [{ rel: "concerns", id: evidenceId }],
          ),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a return for supplement of a record that is not a notice",
      send: async (c) => c.postRecord(await returnFor(evidenceId, "identity")),
      status: 422,
      code: "LINK_WRONG_KIND",
    },
    {
      name: "a review finding on an action that is not a review",
      send: async (c) =>
        c.postRecord(
          await withMetadata("action", (m) => (m.review = { outcome: "complete" }), [
            { rel: "concerns", id: evidenceId },
          ]),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a malicious-notice flag without its considerations",
      send: async (c) =>
        c.postRecord(
          await withMetadata("action", (m) => (m.type = "malicious_notice_flag"), [
            { rel: "concerns", id: evidenceId },
          ]),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a warning letter without a rectification deadline",
      send: async (c) =>
        c.postRecord(
          await withMetadata(
            "action",
            (m) => {
              m.type = "warning_letter";
              m.merchant = { legalName: "Happy Feet Trading" };
            },
            [{ rel: "concerns", id: evidenceId }],
          ),
        ),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a campaign record with a region that is not a GB/T 2260 code",
      send: async (c) =>
        c.postRecord(await withMetadata("campaign", (m) => (m.region = "Shanghai"))),
      status: 400,
      code: "RECORD_INVALID_METADATA",
    },
    {
      name: "a penalty decision without its decision document attached",
      send: async (c) => c.postRecord(await exampleRecord("penalty_decision")),
      status: 400,
      code: "RECORD_FILE_NOT_ATTACHED",
    },
    {
      name: "a resubmission that links an evidence record as the notice it resubmits",
      send: async (c) =>
        c.postRecord(
          await exampleRecord("notice", [
            { rel: "evidence", id: evidenceId },
            { rel: "resubmits", id: evidenceId },
          ]),
        ),
      status: 422,
      code: "LINK_WRONG_KIND",
    },
    {
      name: "an action concerning nothing",
      send: async (c) => c.postRecord(await exampleRecord("action")),
      status: 422,
      code: "LINK_MISSING",
    },
    {
      name: "a link the kind may not carry",
      send: async (c) =>
        c.postRecord(await exampleRecord("filing", [{ rel: "answers", id: noticeId }])),
      status: 422,
      code: "LINK_NOT_ALLOWED",
    },
    {
      name: "a wrong content type",
      send: (c) => c.postRaw("/v1/records", "kind=notice", "application/x-www-form-urlencoded"),
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    },
    {
      name: "a missing API key",
      send: async (c) => c.withKey(undefined).postRecord(await exampleRecord("filing")),
      status: 401,
      code: "AUTH_MISSING",
    },
    {
      name: "an API key sent without the Bearer scheme",
      send: async (c) => {
        // The key alone, as people paste it: the answer must say what is missing.
        const response = await fetch(`${c.baseUrl}/v1/records`, {
          method: "POST",
          headers: { authorization: c.apiKey!, "content-type": "application/json" },
          body: "{}",
        });
        return {
          status: response.status,
          body: (await response.json()) as unknown,
          headers: response.headers,
        };
      },
      status: 401,
      code: "AUTH_SCHEME_MISSING",
    },
    {
      name: "a wrong API key",
      send: async (c) =>
        c.withKey("enk_wrong_key_wrong_key_wrong").postRecord(await exampleRecord("filing")),
      status: 401,
      code: "AUTH_INVALID",
    },
    {
      name: "a path-like file name",
      send: async (c) => c.postRecord(await exampleRecord("evidence"), [file("../../etc/passwd")]),
      status: 400,
      code: "FILE_NAME_INVALID",
    },
    {
      name: "a Windows path file name",
      send: async (c) => c.postRecord(await exampleRecord("evidence"), [file("C:\\evil\\x.txt")]),
      status: 400,
      code: "FILE_NAME_INVALID",
    },
    {
      name: "two files with the same name",
      send: async (c) =>
        c.postRecord(await exampleRecord("evidence"), [file("same.txt", 1), file("same.txt", 2)]),
      status: 400,
      code: "FILE_NAME_DUPLICATE",
    },
    ...malformedMultipart("/v1/records"),
    ...malformedMultipart("/v1/verify"),
    {
      name: "a file name with a right-to-left override",
      send: async (c) =>
        c.postRecord(await exampleRecord("evidence"), [file("invoice\u202eexe.pdf")]),
      status: 400,
      code: "FILE_NAME_INVALID",
    },
    {
      name: "a file name with a C1 control",
      send: async (c) => c.postRecord(await exampleRecord("evidence"), [file("a\u0085b.txt")]),
      status: 400,
      code: "FILE_NAME_INVALID",
    },
    {
      name: "a return for supplement naming an element the notice holds",
      // The notice links its evidence: it cannot be returned for lacking it.
      send: async (c) => c.postRecord(await returnFor(noticeId, "evidence")),
      status: 422,
      code: "REVIEW_CONTRADICTS_ELEMENTS",
    },
    {
      name: "a measure dated a month ahead of the service's clock",
      send: async (c) => {
        const ahead = new Date(Date.now() + 30 * 86_400_000).toISOString();
        const action = await exampleRecord("action", [{ rel: "concerns", id: noticeId }]);
        Object.assign(action.metadata as object, { type: "restore", effectiveAt: ahead });
        return c.postRecord(action);
      },
      status: 422,
      code: "RECORD_DATE_IN_FUTURE",
    },
    {
      name: "evidence captured after it was recorded",
      send: async (c) => {
        const evidence = await exampleRecord("evidence");
        const m = evidence.metadata as { collection: { capturedAt: string } };
        m.collection.capturedAt = new Date(Date.now() + 86_400_000).toISOString();
        return c.postRecord(evidence);
      },
      status: 422,
      code: "RECORD_DATE_IN_FUTURE",
    },
    {
      name: "publishing as an art. 42 notice one that lacks its proof of right",
      send: async (c) => {
        const action = await exampleRecord("action", [{ rel: "concerns", id: noticeId }]);
        Object.assign(action.metadata as object, { type: "publish_notice" });
        return c.postRecord(action);
      },
      status: 422,
      code: "PUBLICATION_INCOMPLETE",
    },
    {
      name: "a training dated two days ahead in China (planned, not held)",
      send: async (c) => {
        const activity = await exampleRecord("activity");
        const ahead = new Date(Date.now() + 8 * 3_600_000 + 2 * 86_400_000);
        (activity.metadata as { on: string }).on = ahead.toISOString().slice(0, 10);
        return c.postRecord(activity);
      },
      status: 422,
      code: "RECORD_DATE_IN_FUTURE",
    },
    {
      name: "a bad batch index",
      send: (c) => c.get("/v1/batches/abc"),
      status: 400,
      code: "BATCH_INDEX_INVALID",
    },
  ];

  for (const bad of cases) {
    it(`refuses ${bad.name} with ${bad.status} ${bad.code}, storing nothing`, async () => {
      const before = await snapshot(notary);
      const { status, body } = await bad.send(notary.client);
      expect(status, JSON.stringify(body)).to.equal(bad.status);
      const error = (body as { error: { code: string; message: string; requestId: string } }).error;
      expect(error.code).to.equal(bad.code);
      expect(error.message).to.be.a("string").with.length.greaterThan(0);
      expect(error.requestId).to.be.a("string");
      expect(await snapshot(notary)).to.deep.equal(before);
    });
  }

  it("answers 405 with Allow for a method a path does not serve, 404 for no such path", async () => {
    const ask = async (method: string, path: string) => {
      const answer = await fetch(notary.url + path, {
        method,
        headers: { authorization: `Bearer ${notary.client.apiKey}` },
      });
      const body = (await answer.json()) as { error: { code: string } };
      return [answer.status, body.error.code, answer.headers.get("allow")];
    };
    expect(await ask("DELETE", "/v1/records")).to.deep.equal([
      405,
      "METHOD_NOT_ALLOWED",
      "GET, POST, HEAD",
    ]);
    expect(await ask("PUT", `/v1/records/${noticeId}`)).to.deep.equal([
      405,
      "METHOD_NOT_ALLOWED",
      "GET, HEAD",
    ]);
    expect(await ask("GET", "/v1/verify")).to.deep.equal([405, "METHOD_NOT_ALLOWED", "POST"]);
    expect(await ask("GET", "/v1/nothing-here")).to.deep.equal([404, "NOT_FOUND", null]);
  });

  it("keeps accepting and sequencing without a gap after refusals", async () => {
    const seqBefore = await notary.store.nextSeq();
    const answer = await notary.client.postRecord(await exampleRecord("filing"));
    expect(answer.status).to.equal(201);
    expect((answer.body as { receipt: { record: { seq: number } } }).receipt.record.seq).to.equal(
      seqBefore,
    );
  });
});

/**
 * Bodies busboy cannot parse, as a fuzzer sent them. The truncated one carries a whole file
 * first, so the store has something to take back.
 */
function malformedMultipart(path: string): BadCase[] {
  const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
  const part = (disposition: string, body: string, extra = "") =>
    `--X\r\nContent-Disposition: form-data; ${disposition}\r\n${extra}\r\n${body}\r\n`;
  const bodies: [string, string, string][] = [
    [
      "a part name with a control byte",
      "multipart/form-data; boundary=X",
      part('name="a\x15b"', "x") + "--X--\r\n",
    ],
    [
      "multipart without a boundary",
      "multipart/form-data",
      part('name="record"', "{}") + "--X--\r\n",
    ],
    [
      "a truncated multipart body",
      "multipart/form-data; boundary=X",
      part('name="files"; filename="whole.txt"', "a whole file") +
        part('name="files"; filename="cut.txt"', "cut he").slice(0, -2),
    ],
    [
      "a NUL byte in a raw file name",
      "multipart/form-data; boundary=X",
      part('name="files"; filename="a\x00b.txt"', "x") + "--X--\r\n",
    ],
    [
      "a DEL byte in a part's Content-Type",
      "multipart/form-data; boundary=X",
      part('name="files"; filename="a.txt"', "x", "Content-Type: text/pl\x7fain\r\n") + "--X--\r\n",
    ],
  ];
  return bodies.map(([name, type, body]) => ({
    name: `${name} on ${path}`,
    send: (c) => c.postRaw(path, latin1(body), type),
    status: 400,
    code: "MULTIPART_INVALID",
  }));
}

/** What a refused request must not change: records, stored files, leftover temporary files. */
async function snapshot(
  notary: TestNotary,
): Promise<{ nextSeq: number; files: string[]; temp: string[] }> {
  const files: string[] = [];
  for await (const digest of notary.files.digests()) files.push(digest);
  return {
    nextSeq: await notary.store.nextSeq(),
    files: files.sort(),
    temp: await readdir(notary.files.tempDir),
  };
}
