import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { verdictOf } from "../support/verify-page";
import type { AnchoredReceipt } from "../../service/receipts";
import { verifyReceipt, type Verification } from "../../service/verify";
import { providerChainReader } from "../../service/chain-reader";
import { certificatesFromPemOrDer } from "../../service/witnesses";
import { verifyExportArchive } from "../../service/exports";
import { exampleRecord } from "../support/http-client";
import {
  auditNotary,
  newDataDir,
  readinessWhen,
  regulatorClient,
  startTestNotary,
  waitAnchored,
  type TestNotary,
} from "../support/notary";
import { startOpensslTsa, type TestTsa } from "../support/openssl-tsa";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

type Witnessed = AnchoredReceipt & {
  witnesses: { type: string; tsa: string; time: string; token: string }[];
};

/**
 * A second witness beside the chain: every batch root timestamped by a TSA (OpenSSL's, started
 * here), the token carried in the receipt and checked offline by every verifier.
 */
describe("RFC 3161 witnesses of batch roots", function () {
  this.timeout(120_000);
  let tsa: TestTsa;
  let other: TestTsa;
  let notary: TestNotary;
  let dataDir: string;
  let receipt: Witnessed;
  let secondReceipt: Witnessed;
  let trusted: Uint8Array[];

  const start = async () =>
    startTestNotary(
      {
        BATCH_MAX_WAIT_MS: "100",
        TSA_URLS: tsa.url,
        TSA_CA_FILES: tsa.caFile,
        TSA_INTERVAL_MS: "100",
        TSA_TIMEOUT_MS: "5000",
      },
      dataDir,
    );
  const post = async (content: string) =>
    (
      (
        await notary.client.postRecord(await exampleRecord("evidence"), [
          { name: "w.txt", content },
        ])
      ).body as { id: string }
    ).id;
  const waitWitnessed = async (id: string): Promise<Witnessed> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = (await waitAnchored(notary.client, id)) as Witnessed;
      if ((r.witnesses?.length ?? 0) > 0) return r;
      if (Date.now() > deadline) throw new Error(`no witness for ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const verify = (r: unknown, anchors: Uint8Array[] | undefined = trusted) =>
    verifyReceipt({
      receipt: r,
      fileDigests: [],
      chain: providerChainReader(notary.chain.provider),
      tsaTrustAnchors: anchors,
    });
  const tamper = (change: (r: Witnessed) => void): Witnessed => {
    const copy = structuredClone(receipt);
    change(copy);
    return copy;
  };
  const failure = (v: Verification) => v.steps.find((s) => s.status === "fail");

  before(async () => {
    [tsa, other] = await Promise.all([startOpensslTsa("Test TSA"), startOpensslTsa("Other TSA")]);
    trusted = certificatesFromPemOrDer(Buffer.from(tsa.caPem));
    dataDir = await newDataDir();
    notary = await start();
    receipt = await waitWitnessed(await post("first batch"));
    secondReceipt = await waitWitnessed(await post("second batch"));
    expect(secondReceipt.anchor.batchIndex).to.not.equal(receipt.anchor.batchIndex);
  });
  after(async () => {
    await notary?.stop();
    await Promise.all([tsa?.close(), other?.close()]);
  });

  it("carries the TSA's token in the receipt; the verdict names it as the independent witness", async () => {
    expect(receipt.witnesses).to.have.length(1);
    expect(receipt.witnesses[0]).to.include({ type: "rfc3161", tsa: tsa.url });
    const batch = await notary.client.get(`/v1/batches/${receipt.anchor.batchIndex}`);
    expect((batch.body as { witnesses: unknown[] }).witnesses).to.deep.equal([
      {
        type: "rfc3161",
        tsa: tsa.url,
        time: receipt.witnesses[0]!.time,
        fetchedAt: (batch.body as { witnesses: { fetchedAt: string }[] }).witnesses[0]!.fetchedAt,
      },
    ]);
    const result = await verify(receipt);
    expect(result.verdict, JSON.stringify(result.steps)).to.equal("valid");
    expect(result.steps.find((s) => s.step === "witnesses")).to.include({ status: "pass" });
    expect(result.witnesses!.map((w) => [w.type, w.controlledByOperator, w.status])).to.deep.equal([
      ["evm-chain", true, "verified"],
      ["rfc3161", false, "verified"],
    ]);
    const tsaWitness = result.witnesses![1]!;
    expect(tsaWitness.name).to.include("Test TSA");
    expect(tsaWitness.time).to.equal(receipt.witnesses[0]!.time);
    // The evidentiary time is the TSA's: the only witness the operator does not control.
    expect(result.proves).to.include({
      existedBy: tsaWitness.time,
      existedBySource: tsaWitness.name,
      independent: true,
    });
  });

  it("checks the token without trust anchors but says it could not judge the TSA", async () => {
    const result = await verify(receipt, []);
    expect(result.verdict).to.equal("valid");
    expect(result.steps.find((s) => s.step === "witnesses")).to.include({
      status: "skip",
      code: "TSA_TRUST_NOT_CHECKED",
    });
    expect(result.proves).to.include({ independent: false });
  });

  it("refuses a tampered token, another batch's token, an untrusted TSA and a moved time", async () => {
    const token = Buffer.from(receipt.witnesses[0]!.token, "base64");
    const stamp = receipt.witnesses[0]!.time.replace(/[-:T]/g, "").slice(0, 14);
    const at = token.indexOf(Buffer.from(stamp, "latin1"));
    expect(at).to.be.greaterThan(0);
    token[at + 3] = token[at + 3] === 0x31 ? 0x32 : 0x31;
    const cases: [string, Witnessed, Uint8Array[], string][] = [
      [
        "tampered",
        tamper((r) => (r.witnesses[0]!.token = token.toString("base64"))),
        trusted,
        "TSA_SIGNATURE_INVALID",
      ],
      [
        "another root",
        tamper((r) => (r.witnesses[0] = secondReceipt.witnesses[0]!)),
        trusted,
        "TSA_IMPRINT_MISMATCH",
      ],
      ["untrusted", receipt, certificatesFromPemOrDer(Buffer.from(other.caPem)), "TSA_UNTRUSTED"],
      [
        "moved time",
        tamper(
          (r) =>
            (r.witnesses[0]!.time = new Date(
              Date.parse(r.witnesses[0]!.time) - 3_600_000,
            ).toISOString()),
        ),
        trusted,
        "TSA_TIME_MISMATCH",
      ],
      [
        "not a token",
        tamper((r) => (r.witnesses[0]!.token = Buffer.from("no token").toString("base64"))),
        trusted,
        "TSA_TOKEN_MALFORMED",
      ],
    ];
    for (const [name, r, anchors, code] of cases) {
      const result = await verify(r, anchors);
      expect(result.verdict, name).to.equal("invalid");
      expect(failure(result), name).to.include({ step: "witnesses", code });
    }
  });

  it("lists every witness on the certificate, saying which the operator controls", async () => {
    const answer = await notary.client.get(`/v1/records/${receipt.record.id}/certificate`);
    const html = String(answer.body);
    expect(answer.status).to.equal(200);
    expect(html).to.match(/Witness \(controlled by the operator\)[\s\S]*chain 31337/);
    expect(html).to.match(/Witness \(independent of the operator\)[\s\S]*Test TSA/);
    // Printed in Beijing time, then UTC.
    const time = receipt.witnesses[0]!.time.replace("T", " ").replace(/\.\d{3}Z$/, "");
    expect(html).to.match(
      new RegExp(`Evidentiary time[\\s\\S]*no later than [^(<]*北京时间 Beijing \\(${time} UTC\\)`),
    );
  });

  it("checks the tokens of every receipt in an export, once per batch", async () => {
    const regulator = await regulatorClient(notary);
    const download = await regulator.getBytes("/v1/exports?kind=evidence");
    expect(download.status).to.equal(200);
    const archive = join(dataDir, "witnessed-export.zip");
    await writeFile(archive, download.bytes);
    const chain = providerChainReader(notary.chain.provider);
    const trusting = await verifyExportArchive(archive, chain, { tsaTrustAnchors: trusted });
    expect(trusting.receipts.invalid, JSON.stringify(trusting.findings)).to.equal(0);
    expect(trusting.receipts.valid).to.be.at.least(2);
    const untrusting = await verifyExportArchive(archive, chain, {
      tsaTrustAnchors: certificatesFromPemOrDer(Buffer.from(other.caPem)),
    });
    expect(untrusting.receipts.invalid).to.be.at.least(2);
    expect(untrusting.findings.map((f) => f.code)).to.include("TSA_UNTRUSTED");
  });

  it("audits the stored tokens: a swapped or restated one is named", async () => {
    const audit = () => auditNotary(notary);
    expect((await audit()).discrepancies).to.deep.equal([]);
    const [first] = await notary.store.witnessesOf(receipt.anchor.batchIndex);
    const [second] = await notary.store.witnessesOf(secondReceipt.anchor.batchIndex);
    const restore = async () =>
      notary.store.db
        .updateTable("batch_witnesses")
        .set({ token: first!.token, attested_at: first!.attested_at })
        .where("batch_index", "=", receipt.anchor.batchIndex)
        .execute();
    try {
      await notary.store.db
        .updateTable("batch_witnesses")
        .set({ token: second!.token })
        .where("batch_index", "=", receipt.anchor.batchIndex)
        .execute();
      let report = await audit();
      expect(
        report.discrepancies.map((d) => [d.code, d.batchIndex, d.details?.reason]),
      ).to.deep.equal([["WITNESS_INVALID", receipt.anchor.batchIndex, "TSA_IMPRINT_MISMATCH"]]);
      await restore();
      await notary.store.db
        .updateTable("batch_witnesses")
        .set({ attested_at: "2020-01-01T00:00:00.000Z" })
        .where("batch_index", "=", receipt.anchor.batchIndex)
        .execute();
      report = await audit();
      expect(report.discrepancies.map((d) => d.details?.reason)).to.deep.equal([
        "TSA_TIME_MISMATCH",
      ]);
    } finally {
      await restore();
    }
  });

  it("keeps a witness type it does not know, reporting it unchecked", async () => {
    const result = await verify(
      tamper((r) => r.witnesses.push({ type: "opentimestamps", proof: "AA==" } as never)),
    );
    expect(result.verdict).to.equal("valid");
    expect(result.witnesses!.map((w) => [w.type, w.status])).to.deep.include([
      "opentimestamps",
      "not checked",
    ]);
  });

  it("answers the same through the CLI (--tsa-ca) and POST /v1/verify", async () => {
    const file = join(dataDir, "witnessed-receipt.json");
    await writeFile(file, JSON.stringify(receipt));
    const cli = await promisify(execFile)(process.execPath, [
      ...RUN_TYPESCRIPT,
      "scripts/verify.ts",
      "--receipt",
      file,
      "--rpc",
      notary.rpcUrl!,
      "--tsa-ca",
      tsa.caFile,
    ]);
    expect(cli.stdout).to.match(/✓ TSA .*Test TSA.*independent of the operator/);
    expect(cli.stdout).to.include("Independent witnesses: TSA");
    const answer = (await (
      await fetch(`${notary.url}/v1/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ receipt }),
      })
    ).json()) as Verification;
    expect(answer.verdict).to.equal("valid");
    expect(answer.witnesses!.map((w) => w.status)).to.deep.equal(["verified", "verified"]);
    const untrustedOnly = (await (
      await fetch(`${notary.url}/v1/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ receipt: secondReceipt, tsaCa: "not a certificate" }),
      })
    ).json()) as { error: { code: string } };
    expect(untrustedOnly.error.code).to.equal("TSA_CA_INVALID");
  });

  it("lists the witnesses on the verification page, trusting the service's TSA roots only if asked", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    const inPage = async (trustService: boolean) => {
      const page = await browser.newPage();
      try {
        await page.goto(`${notary.url}/verify`);
        await page.setInputFiles("#receipt", {
          name: "receipt.json",
          mimeType: "application/json",
          buffer: Buffer.from(JSON.stringify(receipt)),
        });
        if (!trustService) await page.uncheck("#service-tsa");
        await page.click("#verify");
        return {
          ...(await verdictOf(page)),
          witnesses: await page.$$eval("#witnesses li", (items) =>
            items.map((li) => [
              (li as HTMLElement).dataset.witness,
              (li as HTMLElement).dataset.controlled,
              (li as HTMLElement).dataset.status,
            ]),
          ),
        };
      } finally {
        await page.close();
      }
    };
    try {
      const trusting = await inPage(true);
      expect(trusting.verdict, trusting.text).to.equal("valid");
      expect(trusting.witnesses).to.deep.equal([
        ["evm-chain", "true", "pass"],
        ["rfc3161", "false", "pass"],
      ]);
      expect(trusting.text).to.include("Test TSA");
      const alone = await inPage(false);
      expect(alone.verdict).to.equal("valid");
      expect(alone.witnesses[1]).to.deep.equal(["rfc3161", "false", "skip"]);
      expect(alone.text).to.include("no witness independent of the operator was verified");
    } finally {
      await browser.close();
    }
  });

  it("takes in and anchors while the TSA is down, says so, and stamps the backlog once it is back", async () => {
    tsa.setDown(true);
    try {
      const id = await post("while the TSA is down");
      const anchored = (await waitAnchored(notary.client, id)) as Witnessed;
      expect(anchored.witnesses ?? []).to.deep.equal([]);
      type Ready = { status: string; witnesses: { lastErrorCode?: string; backlog: number }[] };
      let { ready } = await readinessWhen<Ready>(
        notary.url,
        (r) => r.witnesses[0]!.lastErrorCode !== undefined,
        10_000,
      );
      expect(ready.status).to.equal("degraded");
      expect(ready.witnesses[0]).to.include({ lastErrorCode: "TSA_UNREACHABLE" });
      expect(ready.witnesses[0]!.backlog).to.be.at.least(1);
      const metrics = await (await fetch(`${notary.url}/metrics`)).text();
      expect(metrics).to.match(/notary_tsa_backlog_batches\{tsa="[^"]+"\} [1-9]/);
      tsa.setDown(false);
      const witnessed = await waitWitnessed(id);
      expect((await verify(witnessed)).verdict).to.equal("valid");
      ({ ready } = await readinessWhen<Ready>(notary.url, () => true));
      expect(ready.witnesses[0]).to.deep.include({ backlog: 0 });
      expect(ready.witnesses[0]!.lastErrorCode).to.equal(undefined);
    } finally {
      tsa.setDown(false);
    }
  });

  it("keeps its tokens across a restart, without asking the TSA again", async () => {
    await notary.stop();
    const served = tsa.served();
    notary = await start();
    const again = (await waitAnchored(notary.client, receipt.record.id)) as Witnessed;
    expect(again.witnesses).to.deep.equal(receipt.witnesses);
    await new Promise((r) => setTimeout(r, 500));
    expect(tsa.served()).to.equal(served);
  });
});
