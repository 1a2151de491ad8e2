import { expect } from "chai";
import { referencedFileNames } from "../../service/records";
import type { MerchantEntry } from "../../service/registers";
import type { TimelineStep } from "../../service/cases";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";

const MERCHANT = "91310115MA1HX0XX2Y"; // the penalty decision example's merchant
const NOTIFIER = "91310000MA1FL0XX1X"; // the notice example's notifier

describe("HTTP API: registers", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let later: string;

  const post = async (
    kind: string,
    edit: (m: Record<string, unknown>) => void = () => {},
    links: { rel: string; id: string }[] = [],
  ) => {
    const record = await exampleRecord(kind, links);
    edit(record.metadata as Record<string, unknown>);
    const files = referencedFileNames(record as Parameters<typeof referencedFileNames>[0]).map(
      (name) => ({ name, content: `${name}` }),
    );
    const answer = await notary.client.postRecord(record, files);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return (answer.body as { id: string }).id;
  };

  before(async () => {
    notary = await startTestNotary();
    const evidence = await post("evidence");
    const first = await post("notice", () => {}, [{ rel: "evidence", id: evidence }]);
    await post(
      "action",
      (m) => {
        m.type = "malicious_notice_flag";
        m.malice = {
          notifier: {
            legalName: "Luma Footwear",
            idDocument: { type: "unified_social_credit_code", number: NOTIFIER },
          },
          considerations: [
            { consideration: "repeated_erroneous_notices", facts: "9 of 10 rejected" },
          ],
        };
      },
      [{ rel: "concerns", id: first }],
    );
    later = await post("notice", () => {}, [{ rel: "evidence", id: evidence }]);
    await post("penalty_decision");
    await post("penalty_decision", (m) => (m.documentNumber = "沪市监浦处〔2026〕200号"));
  });
  after(async () => notary?.stop());

  it("shows a flagged notifier's history on a later notice and asks for the raised threshold", async () => {
    const view = await notary.client.get(`/v1/records/${later}`);
    const flags = (view.body as { notifierFlags: { considerations: string[] }[] }).notifierFlags;
    expect(flags.map((f) => f.considerations)).to.deep.equal([["repeated_erroneous_notices"]]);
    const kase = await notary.client.get(`/v1/cases/${later}`);
    const body = kase.body as { steps: TimelineStep[]; notifierFlags: unknown[] };
    expect(body.notifierFlags).to.have.length(1);
    expect(body.steps.map((s) => s.step)).to.include("substantive review at the raised threshold");
    const register = await notary.client.get("/v1/registers/malicious-notifiers");
    expect(
      (register.body as { notifiers: { idNumber: string }[] }).notifiers.map((n) => n.idNumber),
    ).to.deep.equal([NOTIFIER]);
  });

  it("lists merchants due contract termination, with their entry and credit", async () => {
    const due = await notary.client.get("/v1/registers/merchants?status=termination-due");
    const merchants = (due.body as { merchants: MerchantEntry[] }).merchants;
    expect(merchants.map((m) => m.key)).to.deep.equal([MERCHANT]);
    const entry = (await notary.client.get(`/v1/registers/merchants/${MERCHANT}`))
      .body as MerchantEntry;
    expect(entry.counts.authorityPenalties).to.equal(2);
    const credit = await notary.client.get(`/v1/registers/credit/${MERCHANT}`);
    expect((credit.body as { asMerchant: { score: number } }).asMerchant.score).to.equal(60);
  });

  it("refuses an unknown party, an unknown merchant and a bad status with codes", async () => {
    for (const [path, status, code] of [
      ["/v1/registers/credit/nobody", 404, "CREDIT_PARTY_UNKNOWN"],
      ["/v1/registers/merchants/nobody", 404, "REGISTER_MERCHANT_UNKNOWN"],
      ["/v1/registers/merchants?status=famous", 400, "REGISTER_QUERY_INVALID"],
      ["/v1/registers/merchants?status=honour", 400, "REGISTER_QUERY_INVALID"],
    ] as const) {
      const answer = await notary.client.get(path);
      expect([
        answer.status,
        (answer.body as { error: { code: string } }).error.code,
      ]).to.deep.equal([status, code]);
    }
  });
});
