import { expect } from "chai";
import type { Express } from "express";
import { createHash } from "node:crypto";

import { EvidenceLedger__factory } from "../../typechain-types";
import { RECORD_KINDS, referencedFileNames } from "../../service/records";
import type { Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { intakeSigner } from "../support/intake-statement";
import { checkAnchoredReceipt } from "../support/receipt-check";

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

describe("HTTP API: records", function () {
  this.timeout(120_000);
  let notary: TestNotary;

  before(async () => {
    notary = await startTestNotary({
      BATCH_MAX_RECORDS: "20",
      MAX_FILE_BYTES: String(64 * 1024),
      MAX_FILES: "3",
    });
  });
  after(async () => notary?.stop());

  async function submit(kind: string, links: { rel: string; id: string }[] = []) {
    const record = await exampleRecord(kind, links);
    // The files an example's metadata names, so that every example can be sent as it is.
    const files = referencedFileNames(record as Parameters<typeof referencedFileNames>[0]).map(
      (name) => ({ name, content: new TextEncoder().encode(`${kind}: ${name}`) }),
    );
    const answer = await notary.client.postRecord(record, files);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as { id: string; receipt: Receipt };
  }

  describe("intake", () => {
    it("answers an evidence upload with a signed intake receipt, then anchors it verifiably", async () => {
      const files = [
        {
          name: "capture.png",
          content: new Uint8Array([137, 80, 78, 71, 1, 2, 3]),
          type: "image/png",
        },
        { name: "录屏说明.txt", content: "screen recording notes 说明", type: "text/plain" },
      ];
      const answer = await notary.client.postRecord(await exampleRecord("evidence"), files);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const { id, receipt } = answer.body as { id: string; receipt: Receipt };
      expect(answer.headers.get("location")).to.equal(`/v1/records/${id}`);
      expect(receipt.status).to.equal("pending");
      expect(receipt.record.id).to.equal(id);
      expect(receipt.record.files.map((f) => [f.name, f.sha256, f.size])).to.deep.equal(
        files.map((f) => [f.name, sha256(f.content), Buffer.byteLength(f.content)]),
      );
      expect(receipt.format).to.equal("evidence-receipt/v3");
      expect(intakeSigner(receipt)).to.equal(notary.binding.operator);

      const anchored = await waitAnchored(notary.client, id);
      expect(anchored.record).to.deep.equal(receipt.record);
      expect(await checkAnchoredReceipt(anchored, notary.chain.provider)).to.deep.equal([]);

      for (const f of files) {
        const download = await notary.client.getBytes(
          `/v1/records/${id}/files/${sha256(f.content)}`,
        );
        expect(download.status).to.equal(200);
        expect(sha256(download.bytes)).to.equal(sha256(f.content));
        expect(download.headers.get("content-type")).to.match(new RegExp(`^${f.type}`));
        expect(download.headers.get("content-disposition")).to.match(/^attachment/);
        expect(download.headers.get("x-content-type-options")).to.equal("nosniff");
      }
    });

    it("accepts every kind's example, following the link rules", async () => {
      const evidence = await submit("evidence");
      const notice = await submit("notice", [{ rel: "evidence", id: evidence.id }]);
      const action = await submit("action", [{ rel: "concerns", id: notice.id }]);
      const counter = await submit("counter_notice", [{ rel: "answers", id: notice.id }]);
      const filing = await submit("filing");
      const commitment = await submit("commitment", [{ rel: "supports", id: filing.id }]);
      const report = await submit("report", [{ rel: "evidence", id: evidence.id }]);
      const mediation = await submit("mediation", [{ rel: "concerns", id: notice.id }]);
      const others = await Promise.all(
        ["penalty_decision", "activity", "campaign", "contact_directory"].map((k) => submit(k)),
      );
      const kinds = [evidence, notice, action, counter, filing, commitment, report, mediation]
        .concat(others)
        .map((r) => r.receipt.record.kind);
      expect([...kinds].sort()).to.deep.equal([...RECORD_KINDS].sort());
      expect(counter.receipt.record.links).to.deep.equal([{ rel: "answers", id: notice.id }]);
    });

    it("accepts a record without files as application/json", async () => {
      const answer = await notary.client.postJson("/v1/records", await exampleRecord("filing"));
      expect(answer.status).to.equal(201);
      expect((answer.body as { receipt: Receipt }).receipt.record.files).to.deep.equal([]);
    });

    it("stores identical files once", async () => {
      const content = `same bytes ${Date.now()}`;
      const before = await countFiles(notary);
      for (const name of ["a.txt", "b.txt"]) {
        const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
          { name, content },
        ]);
        expect(answer.status).to.equal(201);
      }
      expect(await countFiles(notary)).to.equal(before + 1);
    });

    it("gives 50 concurrent uploads 50 distinct consecutive seqs, anchored once per batch", async () => {
      const record = await exampleRecord("evidence");
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          notary.client.postRecord(record, [{ name: "f.bin", content: `upload ${i}` }]),
        ),
      );
      expect(answers.map((a) => a.status)).to.deep.equal(Array(50).fill(201));
      const seqs = answers
        .map((a) => (a.body as { receipt: Receipt }).receipt.record.seq)
        .sort((x, y) => x - y);
      expect(seqs).to.deep.equal(Array.from({ length: 50 }, (_, i) => seqs[0]! + i));

      const receipts = await Promise.all(
        answers.map((a) => waitAnchored(notary.client, (a.body as { id: string }).id)),
      );
      const batchIndexes = [...new Set(receipts.map((r) => r.anchor.batchIndex))];
      const ledger = EvidenceLedger__factory.connect(
        notary.binding.contract,
        notary.chain.provider,
      );
      for (const index of batchIndexes) {
        const events = await ledger.queryFilter(
          ledger.filters.BatchAnchored(notary.binding.operator, index),
        );
        expect(events, `BatchAnchored events of batch ${index}`).to.have.length(1);
      }
      const problems = await Promise.all(
        receipts.slice(0, 10).map((r) => checkAnchoredReceipt(r, notary.chain.provider)),
      );
      expect(problems.flat()).to.deep.equal([]);
    });
  });

  describe("reads", () => {
    it("shows a record with its files and status", async () => {
      const { id } = await submit("evidence");
      const { status, body } = await notary.client.get(`/v1/records/${id}`);
      expect(status).to.equal(200);
      expect(body).to.include({ id, kind: "evidence" });
    });

    it("answers 404 with a code for an unknown record, receipt, file and batch", async () => {
      const unknown = "00000000-0000-4000-8000-00000000dead";
      for (const path of [
        `/v1/records/${unknown}`,
        `/v1/records/${unknown}/receipt`,
        `/v1/batches/999999`,
      ]) {
        const { status, body } = await notary.client.get(path);
        expect(status, path).to.equal(404);
        expect((body as { error: { code: string } }).error.code).to.match(/_NOT_FOUND$/);
      }
      const { id } = await submit("filing");
      const { status, body } = await notary.client.get(`/v1/records/${id}/files/${"0".repeat(64)}`);
      expect([status, (body as { error: { code: string } }).error.code]).to.deep.equal([
        404,
        "FILE_NOT_FOUND",
      ]);
    });

    it("shows an anchored batch", async () => {
      const { id } = await submit("filing");
      const receipt = await waitAnchored(notary.client, id);
      const { status, body } = await notary.client.get(`/v1/batches/${receipt.anchor.batchIndex}`);
      expect(status).to.equal(200);
      expect(body).to.include({
        status: "anchored",
        root: receipt.anchor.root,
        txHash: receipt.anchor.txHash,
        blockNumber: receipt.anchor.blockNumber,
      });
    });

    it("serves the ledger state, health and readiness without a key", async () => {
      const open = notary.client.withKey(undefined);
      const ledger = await open.get("/v1/ledger");
      expect(ledger.status).to.equal(200);
      expect(ledger.body).to.include({
        chainId: "31337",
        contract: notary.binding.contract,
        operator: notary.binding.operator,
        rpcUrl: notary.rpcUrl,
      });
      expect((await open.get("/healthz")).status).to.equal(200);
      const ready = await open.get("/readyz");
      expect(ready.status).to.equal(200);
      expect(ready.body).to.have.nested.property("anchoring.lagRecords");
      expect(ready.body).to.deep.include({ status: "ok", chain: "ok" });
      const operator = (ready.body as { operator: { anchorsLeft: number; lowBalance: boolean } })
        .operator;
      expect(operator.lowBalance).to.equal(false);
      expect(operator.anchorsLeft).to.be.greaterThan(100);
      const metrics = await fetch(`${notary.url}/metrics`).then((r) => r.text());
      // The balance may fall between the two reads: an anchor can be mined in between.
      const gauge = Number(metrics.match(/^notary_operator_anchors_left (\d+)$/m)?.[1]);
      // Which replica answered, as an info metric.
      expect(metrics).to.match(/^notary_replica_info\{replica="[^"]+"\} 1$/m);
      expect(gauge).to.be.greaterThan(100);
    });

    it("says readiness is degraded when the operator's balance pays for too few anchors", async () => {
      const poor = await startTestNotary({ LOW_BALANCE_ANCHORS: String(10 ** 15) });
      try {
        const ready = (await poor.client.get("/readyz")).body as {
          status: string;
          operator: { lowBalance: boolean; anchorsLeft: number };
        };
        expect(ready.status).to.equal("degraded");
        expect(ready.operator.lowBalance).to.equal(true);
      } finally {
        await poor.stop();
      }
    });

    it("publishes an OpenAPI document with an example for every kind", async () => {
      const { status, body } = await notary.client.withKey(undefined).get("/v1/openapi.json");
      expect(status).to.equal(200);
      const examples = (
        body as {
          paths: Record<
            string,
            { post?: { requestBody: { content: Record<string, { examples: object }> } } }
          >;
        }
      ).paths["/v1/records"]!.post!.requestBody.content["application/json"]!.examples;
      expect(Object.keys(examples).sort()).to.deep.equal([...RECORD_KINDS].sort());
    });

    it("documents every route it serves in OpenAPI, and no route it does not", async () => {
      const { body } = await notary.client.withKey(undefined).get("/v1/openapi.json");
      const documented = Object.entries((body as { paths: Record<string, object> }).paths)
        .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m} ${path}`))
        .sort();
      expect(servedRoutes(notary.app)).to.deep.equal(documented);
    });

    it("exports Prometheus metrics", async () => {
      const { status, body } = await notary.client.withKey(undefined).get("/metrics");
      expect(status).to.equal(200);
      for (const name of [
        "notary_records_accepted_total",
        "notary_bytes_hashed_total",
        "notary_batch_size_records",
        "notary_anchoring_lag_records",
        "notary_anchoring_lag_seconds",
        "notary_chain_errors_total",
        "notary_http_request_duration_seconds",
      ]) {
        expect(body as string).to.include(name);
      }
    });
  });
});

async function countFiles(notary: TestNotary): Promise<number> {
  const digests: string[] = [];
  for await (const digest of notary.files.digests()) digests.push(digest);
  return digests.length;
}

/**
 * Every method and path the app routes, as OpenAPI spells them (`{id}` for `:id`). Walks the
 * router's layers; a mounted router's path is `rawPath` (router 2, Express 5's router).
 */
function servedRoutes(app: Express): string[] {
  type Layer = {
    rawPath?: string;
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: Layer[] };
  };
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route)
        return Object.keys(layer.route.methods).map(
          (m) => `${m} ${prefix}${layer.route!.path.replace(/:(\w+)/g, "{$1}")}`,
        );
      if (layer.handle.stack)
        return walk(
          layer.handle.stack,
          prefix + (layer.rawPath === "/" ? "" : (layer.rawPath ?? "")),
        );
      return [];
    });
  // The pages' own scripts, not APIs.
  const internal = new Set(["get /verify/app.js", "get /portal/app.js"]);
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  return [...new Set(walk(router.stack, ""))].filter((r) => !internal.has(r)).sort();
}
