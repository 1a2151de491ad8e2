import { expect } from "chai";
import { BinderFacts, makeBinder, type ChainFacts } from "../../service/binder";
import type { TypedRecord } from "../../service/records";
import { makeRecord } from "../support/records";
import { startOpensslTsa, type TestTsa } from "../support/openssl-tsa";
import { holdsPersonalData, type Json } from "../../service/disclosure";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Binder } from "../../service/binder";
import { GBT39550_ROWS } from "../../service/binder";
import { referencedFileNames } from "../../service/records";
import { exampleRecord } from "../support/http-client";
import { regulatorClient, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

type Meta = Record<string, unknown>;
type Links = { rel: string; id: string }[];

/**
 * A ledger built to earn every point software can support (103.6 of 110: I3's questionnaire,
 * X6's and X8's effects, I16's technologies, I12's monitoring function and a third dispute
 * mechanism the table does not list (I4) are for the assessors), through the
 * HTTP API as a platform would record it; the binder must find each.
 */
describe("GB/T 39550 binder", function () {
  this.timeout(180_000);
  let notary: TestNotary;
  let tsa: TestTsa;
  let last = "";
  // The period starts with today in China: the day a training held today is dated by.
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const from = new Date(`${today}T00:00:00+08:00`).toISOString();

  async function post(kind: string, edit: (m: Meta) => void = () => {}, links: Links = []) {
    const record = await exampleRecord(kind, links);
    // What the examples state took place on their own dates; this ledger's took place today.
    const m = record.metadata as Meta;
    const now = new Date().toISOString();
    for (const field of ["on", "decidedOn"] as const) if (field in m) m[field] = today;
    for (const field of ["at", "effectiveAt"] as const) if (field in m) m[field] = now;
    if (kind === "commitment") m.signedAt = today;
    if (m.collection) (m.collection as Meta).capturedAt = now;
    edit(m);
    const files = referencedFileNames(record as Parameters<typeof referencedFileNames>[0]).map(
      (name) => ({ name, content: new TextEncoder().encode(`${kind} ${name} ${Math.random()}`) }),
    );
    const answer = await notary.client.postRecord(record, files);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    last = (answer.body as { id: string }).id;
    return last;
  }
  const act = (type: string, concerns: string[], extra: Meta = {}) =>
    post(
      "action",
      (m) => Object.assign(m, { type, statement: undefined, ...extra }),
      concerns.map((id) => ({ rel: "concerns", id })),
    );
  // Each with its document (a sign-in sheet): an activity line alone evidences nothing.
  const activity = (type: string) =>
    post("activity", (m) => Object.assign(m, { type, documentFiles: ["签到表.pdf"] }));
  const merchant = { legalName: "Happy Feet Trading", shopId: "s-5521" };

  before(async () => {
    // A time-stamping authority: a witness the operator does not control (I14).
    tsa = await startOpensslTsa();
    notary = await startTestNotary({
      PUBLIC_URL: "https://notary.example.com",
      TSA_URLS: tsa.url,
      TSA_INTERVAL_MS: "200",
    });
    const phase = (p: string) => post("evidence", (m) => (m.phase = p));
    const [before, during] = [await phase("before"), await phase("during")];
    await phase("after");
    await post("contact_directory", (m) => {
      (m.entries as Meta[]).push({
        role: "platform_complaints",
        name: "现场接待 Reception",
        channel: "in_person",
        contact: "1 Platform Road",
      });
    });
    const notice = (channel: string, right: Meta | undefined, links: Links = []) =>
      post(
        "notice",
        (m) => {
          m.channel = channel;
          if (right) m.right = { holder: "Luma", proofFiles: ["right.pdf"], ...right };
          else delete m.right;
        },
        [{ rel: "evidence", id: before }, ...links],
      );
    const n1 = await notice("system", {
      type: "trademark",
      registrationNumber: "30123456",
      niceClass: 25,
      goodsOrServices: "Footwear",
    });
    const n2 = await notice("email", {
      type: "patent",
      registrationNumber: "ZL2020",
      patentType: "invention",
      claimsReliedOn: ["claim 1"],
      featureComparison: [{ claimFeature: "a sole", productFeature: "the same sole" }],
    });
    await notice("paper", {
      type: "copyright",
      workTitle: "LUMA catalogue",
      workType: "photograph",
      authorship: "staff photographers",
    });
    const n4 = await post("notice", (m) => {
      m.channel = "app";
      delete m.undertaking;
    });
    await act("formal_review", [n4], {
      review: {
        outcome: "returned_for_supplement",
        missing: [
          { element: "evidence", reason: "no capture of the listing" },
          { element: "undertaking", reason: "unsigned" },
        ],
      },
    });
    const n5 = await notice("mini_program", undefined, [{ rel: "resubmits", id: n4 }]);
    const n6 = await notice("system", { type: "trademark", registrationNumber: "1" });
    // Notices by three more channels: eight in all (X2 counts the channels notices arrive by).
    for (const channel of ["web_form", "phone", "fax"])
      await notice(channel, {
        type: "trademark",
        registrationNumber: "30123456",
        niceClass: 25,
        goodsOrServices: "Footwear",
      });
    await post("report", (m) => (m.channel = "phone"));
    const r2 = await post("report", (m) => (m.channel = "web_form"));
    await act("report_answered", [r2]);

    await act("formal_review", [n1], { review: { outcome: "complete" } });
    await act("substantive_review", [n6], { review: { outcome: "rejected" } });
    await act("malicious_notice_flag", [n6], {
      malice: {
        notifier: {
          legalName: "Luma Footwear",
          idDocument: { type: "unified_social_credit_code", number: "91310000MA1FL0XX1X" },
        },
        considerations: [
          "forged_proof_of_right",
          "false_comparison_or_opinion",
          "knowingly_unstable_right",
          "error_not_withdrawn",
          "repeated_erroneous_notices",
        ].map((consideration) => ({ consideration, facts: "as found" })),
        proofFiles: ["finding.pdf"],
      },
    });
    await act("substantive_review", [n5], {
      review: { outcome: "infringement_likely", raisedThreshold: true },
    });
    for (const [type, id] of [
      ["takedown", n1],
      ["terminate_transactions", n1],
      ["block", n2],
      ["delink", n2],
      ["forward_notice", n1],
      ["publish_notice", n1],
      ["expert_referral", n2],
    ] as const)
      await act(type, [id]);
    await act("suspension", [n1], { merchant, selfCriticismFile: "检讨书.pdf" });
    await act("warning_letter", [n1], {
      merchant,
      rectification: { deadline: "2027-01-01T00:00:00+08:00" },
    });
    await act("key_management", [n1], { merchant });

    const c1 = await post("counter_notice", (m) => (m.channel = "email"), [
      { rel: "answers", id: n2 },
      { rel: "evidence", id: during },
    ]);
    await act("substantive_review", [c1], { review: { outcome: "no_infringement" } });
    await act("restore", [n2], { effectiveAt: new Date(Date.now() + 60_000).toISOString() });
    await post("counter_notice", (m) => (m.channel = "system"), [{ rel: "answers", id: n1 }]);
    await act("complaint_or_lawsuit_notified", [n1]);

    const filed = await post("filing", (m) => {
      m.identityProofFiles = ["licence.pdf"];
      const shown = (type: string) => ({
        type,
        registrationNumber: `${type}-1`,
        holder: "Luma",
        displayedAs: type,
        basis: "licence",
        proofFiles: [`${type}-licence.pdf`],
      });
      (m.goodsIp as { shown: unknown[] }[])[0]!.shown = ["trademark", "copyright", "patent"].map(
        shown,
      );
    });
    // The merchant exits, files again under a new shop, and the platform rejects the filing:
    // a problem merchant intercepted (X1).
    await act("merchant_exit", [filed], { merchant });
    const again = await post("filing", (m) => {
      (m.shop as Meta).shopId = "s-7788";
    });
    await act("filing_verified", [again], { review: { outcome: "rejected" } });
    await post("penalty_decision");
    for (const route of ["negotiation", "protection_centre", "litigation"])
      await post("mediation", (m) => (m.route = route));
    for (const type of [
      "proactive_contact",
      "enquiry_answered",
      "monitoring",
      "ip_team",
      "outreach",
      "training",
      "exchange",
      "offline_enforcement",
      "data_security",
      ...Array<string>(5).fill("management_system"),
      ...Array<string>(4).fill("guidance"),
    ])
      await activity(type);
    await post("campaign");
    await waitAnchored(notary.client, last);
    // The TSA's token for the first batch is fetched beside anchoring.
    for (let i = 0; i < 100 && (await notary.store.witnessesOf(0)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const exported = await (await regulatorClient(notary)).getBytes("/v1/exports");
    expect(exported.status).to.equal(200);
  });
  after(async () => {
    await notary?.stop();
    await tsa?.close();
  });

  const binder = async (query = "") => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const answer = await notary.client.get(
      `/v1/reports/gbt39550?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${query}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer;
  };

  it("counts what an assessor counts: an independent witness for I14, data exports for I15, notice channels for X2", () => {
    const score = (records: TypedRecord[], chain: ChainFacts, reEntries: string[] = []) => {
      const facts = new BinderFacts({ reEntries });
      for (const r of records) facts.add(r, chain);
      const b = makeBinder(facts.result(), {
        from,
        to: new Date().toISOString(),
        now: new Date(),
        publicUrl: "https://notary.example.com",
        platform: "Test platform",
        verifyLink: (id) => id,
      });
      return (id: string) => b.rows.find((r) => r.id === id)!.score;
    };
    const file = {
      ...makeRecord("evidence", from),
      files: [{ name: "a", mediaType: "x", size: 1, sha256: "0".repeat(64) }],
    };
    const own = score([file], { anchored: true, witnessed: false, independent: false });
    const witnessed = score([file], { anchored: true, witnessed: true, independent: true });
    expect([own("I14"), witnessed("I14")]).to.deep.equal([2, 3]);
    const bundle = makeRecord("export", from, {
      manifestSha256: "0".repeat(64),
      entries: 1,
      records: 1,
      filters: { bundle: "record:x" },
      requestedBy: "a rights holder",
    });
    const exported = { ...bundle, metadata: { ...bundle.metadata, filters: {} } } as TypedRecord;
    const none = { anchored: false, witnessed: false, independent: false };
    expect([score([bundle], none)("I15"), score([exported], none)("I15")]).to.deep.equal([0, 3]);
    const channels = ["system", "email", "paper", "app", "mini_program", "web_form"];
    const reports = channels.map((c) => makeRecord("report", from, { channel: c }));
    const notices = channels.map((c) => makeRecord("notice", from, { channel: c }));
    expect([score(reports, none)("X2"), score(notices, none)("X2")]).to.deep.equal([0, 1]);
    // I19: an activity evidences only with its document attached.
    const training = (documentFiles: string[]) =>
      makeRecord("activity", from, { type: "training", documentFiles });
    expect([
      score([training([])], none)("I19"),
      score([training(["签到表.pdf"])], none)("I19"),
    ]).to.deep.equal([0, 1]);
    // B6: a suspension earns as a measure only when it concerns a notice.
    const notice = makeRecord("notice", from);
    const penalty = makeRecord("penalty_decision", from);
    const suspension = (on: TypedRecord) =>
      ({
        ...makeRecord("action", from, { type: "suspension", effectiveAt: from }),
        links: [{ rel: "concerns", id: on.id }],
      }) as TypedRecord;
    expect([
      score([notice, penalty, suspension(penalty)], none)("B6"),
      score([notice, suspension(notice)], none)("B6"),
    ]).to.deep.equal([0, 2]);
    // X1: authorisation proofs, and no exited merchant's new filing left standing.
    const base = makeRecord("filing", from);
    const goodsIp = (base.metadata.goodsIp ?? []).map((g) => ({
      ...g,
      shown: g.shown.map((x) => ({ ...x, basis: "licence", proofFiles: ["授权书.pdf"] })),
    }));
    const filing = makeRecord("filing", from, { goodsIp });
    const rejection = {
      ...makeRecord("action", from, {
        type: "filing_verified",
        review: { outcome: "rejected" },
      }),
      links: [{ rel: "concerns", id: filing.id }],
    } as TypedRecord;
    expect([
      score([filing], none)("X1"),
      score([filing], none, [filing.id])("X1"),
      score([filing, rejection], none, [filing.id])("X1"),
    ]).to.deep.equal([1, 0, 1]);
    // X7: a secured ledger, unless its proofs show personal data in the clear (a v1 record).
    const committedFormat = (r: TypedRecord) =>
      ({ ...r, format: "evidence-record/v2" }) as TypedRecord;
    const security = committedFormat(
      makeRecord("activity", from, { type: "data_security", documentFiles: ["等保测评报告.pdf"] }),
    );
    const clear = makeRecord("notice", from);
    const committed = committedFormat(clear);
    expect([
      score([security], none)("X7"),
      score([security, clear], none)("X7"),
      score([security, committed], none)("X7"),
      score([committed], { anchored: true, witnessed: true, independent: true })("X7"),
    ]).to.deep.equal([1, 0, 1, 1]);
  });

  it("holds the whole table: 60 + 40 + 10 points, every row with its clause", () => {
    const points = (level: string) =>
      GBT39550_ROWS.filter((r) => r.level === level).reduce((n, r) => n + r.points, 0);
    expect([points("basic"), points("improvement"), points("bonus")]).to.deep.equal([60, 40, 10]);
    expect(new Set(GBT39550_ROWS.map((r) => r.id)).size).to.equal(GBT39550_ROWS.length);
  });

  it("scores a ledger that evidences every supportable row at 103.6 of 110", async () => {
    const b = (await binder()).body as Binder;
    const short = b.rows.filter((r) => r.score < r.supportable);
    const x1 = b.rows.find((r) => r.id === "X1")!.evidence;
    expect(x1.map((e) => [e.facet, e.count])).to.deep.equal([
      ["filing.authorisation_proof", 1],
      ["filing.re_entry_intercepted", 1],
      ["filing.re_entry_standing", 0],
    ]);
    expect(short.map((r) => `${r.id} ${r.score}/${r.supportable}`)).to.deep.equal([]);
    expect(b.subtotals).to.deep.equal({
      basic: { points: 60, score: 60, supportable: 60 },
      improvement: { points: 40, score: 35.6, supportable: 35.6 },
      bonus: { points: 10, score: 8, supportable: 8 },
    });
    expect(b.total).to.deep.equal({ points: 110, score: 103.6, supportable: 103.6 });
    expect(b.rows.filter((r) => r.basis === "outside").map((r) => r.id)).to.deep.equal([
      "I3",
      "I16",
      "X6",
      "X8",
    ]);
    // Each piece of evidence links its certificate and its public verification.
    const b6 = b.rows.find((r) => r.id === "B6")!;
    const sample = b6.evidence[0]!.samples[0]!;
    expect(sample.certificate).to.equal(
      `https://notary.example.com/v1/records/${sample.recordId}/certificate`,
    );
    // A verification link carries a lookup code, which gives its holder the record as committed:
    // followed without a key, it gives that receipt and no personal value. Each record once:
    // lookups are limited per address (LOOKUPS_PER_WINDOW).
    const samples = [
      ...new Map(
        b.rows.flatMap((r) => r.evidence.flatMap((e) => e.samples)).map((s) => [s.recordId, s]),
      ).values(),
    ];
    expect(samples.length).to.be.within(10, 60);
    for (const one of samples) {
      const link = new URL(one.verify);
      expect(link.origin + link.pathname).to.equal("https://notary.example.com/verify");
      const code = link.searchParams.get("code");
      if (!code) {
        expect(link.searchParams.get("record")).to.equal(one.recordId);
        continue;
      }
      const looked = await notary.client
        .withKey(undefined)
        .get(`/v1/certificates/${link.searchParams.get("certificate")}?code=${code}`);
      expect(looked.status).to.equal(200);
      const { record } = (looked.body as { receipt: { record: TypedRecord } }).receipt;
      expect(record.id).to.equal(one.recordId);
      expect(holdsPersonalData(record.kind, record.metadata as Json)).to.equal(false);
    }
  });

  it("counts a record in the period of what it records, not of when it was notarised", async () => {
    // An exchange held on 2026-11-18 (Beijing), notarised today with its minutes.
    const held = await post("activity", (m) =>
      Object.assign(m, { type: "exchange", on: "2026-11-18", documentFiles: ["纪要.pdf"] }),
    );
    const period = async (start: string, end: string) => {
      const answer = await notary.client.get(
        `/v1/reports/gbt39550?from=${encodeURIComponent(start)}&to=${encodeURIComponent(end)}`,
      );
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const b = answer.body as Binder;
      return b.rows.flatMap((r) => r.evidence).find((e) => e.facet === "activity.exchange")!;
    };
    const thatDay = await period("2026-11-18T00:00:00+08:00", "2026-11-19T00:00:00+08:00");
    expect(thatDay.count).to.equal(1);
    expect(thatDay.samples.map((x) => x.recordId)).to.deep.equal([held]);
    // Not the day before, nor today's period, where the exchange held today is the only one.
    expect((await period("2026-11-17T00:00:00+08:00", "2026-11-18T00:00:00+08:00")).count).to.equal(
      0,
    );
    const now = await period(from, new Date(Date.now() + 60_000).toISOString());
    expect(now.samples.map((x) => x.recordId)).not.to.include(held);
  });

  it("scores an empty period at nothing, and refuses a bad range with a code", async () => {
    const empty = await notary.client.get(
      "/v1/reports/gbt39550?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z",
    );
    expect((empty.body as Binder).total.score).to.equal(0);
    for (const query of [
      "",
      "?from=x&to=y",
      "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ]) {
      const bad = await notary.client.get(`/v1/reports/gbt39550${query}`);
      expect(bad.status).to.equal(400);
      expect((bad.body as { error: { code: string } }).error.code).to.match(
        /^(BINDER_QUERY_INVALID|REPORT_REVERSED_RANGE)$/,
      );
    }
  });

  it("prints the binder as HTML and as a paged PDF whose text holds every row", async () => {
    const html = (await binder("&format=html")).body as string;
    for (const row of GBT39550_ROWS) expect(html).to.include(`<td>${row.id}</td>`);
    // Whose evidence it is, and the period as a Chinese assessor reads it.
    expect(html).to.include("Platform evaluated: 存证服务 Evidence notary");
    expect(html).to.include("北京时间 Beijing");
    expect(html).to.include("103.6 / 110");
    const pdf = await notary.client.getBytes(
      `/v1/reports/gbt39550?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&format=pdf`,
    );
    expect(pdf.headers.get("content-type")).to.equal("application/pdf");
    const dir = await mkdtemp(join(tmpdir(), "binder-"));
    await writeFile(join(dir, "b.pdf"), pdf.bytes);
    const { stdout } = await promisify(execFile)("pdftotext", ["-layout", join(dir, "b.pdf"), "-"]);
    // A row at the top of a page follows the form feed pdftotext puts between pages.
    for (const row of GBT39550_ROWS) expect(stdout).to.match(new RegExp(`^\\f?${row.id} `, "m"));
    expect(stdout).to.include("合计 Total: 103.6 / 110");
    expect(stdout).to.match(/1 \/ \d+/);
  });

  it("runs as npm run gbt39550 against the ledger on disk, with the same figures", async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [...RUN_TYPESCRIPT, "scripts/gbt39550.ts", ...args], {
        env: { ...process.env, DATA_DIR: notary.dataDir },
      });
    const { stdout } = await run("--from", from, "--to", to);
    expect((JSON.parse(stdout) as Binder).total).to.deep.equal({
      points: 110,
      score: 103.6,
      supportable: 103.6,
    });
    const refused = await run("--from", to, "--to", from).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include("usage: --from must be before --to");
  });
});
