import { expect } from "chai";
import type { Link, RecordKind, RecordOf } from "../../service/records";
import { buildRegisters, honourRoll, watchList } from "../../service/registers";
import { makeRecord } from "../support/records";

const MERCHANT = "91310115MA1HX0XX2Y"; // the penalty decision example's merchant
const NOTIFIER = "91310000MA1FL0XX1X"; // the notice example's notifier
const day = (d: number) => new Date(Date.UTC(2026, 2, d, 2)).toISOString();

function rec<K extends RecordKind>(
  kind: K,
  d: number,
  fields: Record<string, unknown> = {},
  links: Link[] = [],
): RecordOf<K> {
  return { ...makeRecord(kind, day(d), fields), links } as RecordOf<K>;
}
const act = (type: string, d: number, fields: Record<string, unknown> = {}, links: Link[] = []) =>
  rec("action", d, { type, effectiveAt: day(d), statement: undefined, ...fields }, links);
const against = { merchant: { legalName: "Happy Feet", shopId: "s-5521" } };
const concerns = (...records: { id: string }[]): Link[] =>
  records.map((r) => ({ rel: "concerns", id: r.id }));

describe("registers", () => {
  const options = { now: new Date(day(28)), terminationPenalties: 2 };
  // The filing ties shop s-5521 to the merchant's credit code.
  const filing = rec("filing", 1, {
    merchant: {
      type: "organisation",
      legalName: "Happy Feet Trading Co., Ltd.",
      idDocument: { type: "unified_social_credit_code", number: MERCHANT },
    },
    shop: { platform: "shop.example.com", shopId: "s-5521", name: "Happy Feet" },
  });

  it("raises contract termination due at two authority penalties, until the merchant exits", () => {
    const p1 = rec("penalty_decision", 2, { decidedOn: "2026-03-02" });
    const p2 = rec("penalty_decision", 3, {
      decidedOn: "2026-03-03",
      documentNumber: "沪市监浦处〔2026〕124号",
    });
    const due = buildRegisters([filing, p1, p2], options).merchants[0]!;
    expect(due).to.include({ key: MERCHANT, terminationDue: true, exited: false });
    expect(due.counts.authorityPenalties).to.equal(2);
    expect(buildRegisters([filing, p1], options).merchants[0]!.terminationDue).to.equal(false);
    const exit = act("merchant_exit", 5, against, concerns(p2));
    const gone = buildRegisters([filing, p1, p2, exit], options).merchants[0]!;
    expect([gone.terminationDue, gone.exited]).to.deep.equal([false, true]);
    // Its filings are kept three years after the exit.
    expect(gone.filingsKeepUntil).to.equal("2029-03-05T02:00:00.000Z");
    expect(due.filingsKeepUntil).to.equal(null);
    // The shop id named the merchant the filing ties it to.
    expect(gone.events.map((e) => e.what)).to.deep.equal([
      "filing",
      "authority_penalty",
      "authority_penalty",
      "exit",
    ]);
    expect(gone.reEntries).to.deep.equal([]);
    // Back under a new shop with the same credit code: flagged on the register.
    const refiled = rec("filing", 9, {
      ...filing.metadata,
      shop: { platform: "shop.example.com", shopId: "s-9001", name: "Happy Feet Outlet" },
    });
    const back = buildRegisters([filing, p1, p2, exit, refiled], options).merchants[0]!;
    expect(back.reEntries).to.deep.equal([refiled.id]);
    expect(back.events.map((e) => e.what).slice(-2)).to.deep.equal(["filing", "re_entry"]);
    expect(back.filings.history.find((f) => f.recordId === refiled.id)!.afterExit).to.equal(true);
  });

  it("tracks warning letters to their rectification, overdue until a check is recorded", () => {
    const warning = act("warning_letter", 2, {
      ...against,
      rectification: { deadline: day(9), requirements: "remove the listings" },
    });
    const overdue = buildRegisters([filing, warning], options).merchants[0]!;
    expect(overdue.rectificationOverdue).to.deep.equal([warning.id]);
    expect(watchList([overdue]).map((m) => m.key)).to.deep.equal([MERCHANT]);
    const late = act(
      "rectification_checked",
      12,
      { ...against, rectification: { deadline: day(9), doneInTime: false } },
      concerns(warning),
    );
    const checked = buildRegisters([filing, warning, late], options).merchants[0]!;
    expect(checked.rectificationOverdue).to.deep.equal([]);
    expect(checked.counts).to.include({ warnings: 1, rectificationsLate: 1 });
    expect(checked.credit).to.deep.include({ score: 92, grade: "A" });
  });

  it("shows the current filing and its history, with the platform's verification", () => {
    const update = rec(
      "filing",
      4,
      { ...filing.metadata, shop: { ...filing.metadata.shop, name: "Happy Feet Official" } },
      [{ rel: "supersedes", id: filing.id }],
    );
    const verified = act("filing_verified", 5, {}, concerns(update));
    const entry = buildRegisters([update, verified, filing], options).merchants[0]!;
    expect(entry.filings.current).to.include({
      recordId: update.id,
      shopName: "Happy Feet Official",
    });
    expect(entry.filings.current!.verifiedBy).to.deep.equal([verified.id]);
    expect(entry.filings.history.map((f) => f.recordId)).to.deep.equal([filing.id, update.id]);
  });

  it("keeps the malicious-notifier register and scores notifiers and merchants by their cases", () => {
    const notice = (d: number) => rec("notice", d);
    const [upheld, reversed, returned] = [notice(2), notice(3), notice(4)];
    const flag = act(
      "malicious_notice_flag",
      6,
      {
        malice: {
          notifier: { legalName: "Luma", idDocument: { type: "passport", number: NOTIFIER } },
          considerations: [
            {
              consideration: "error_not_withdrawn",
              facts: "kept the notice after the court ruled",
            },
          ],
        },
      },
      concerns(reversed),
    );
    const records = [
      filing,
      upheld,
      reversed,
      returned,
      act("takedown", 3, {}, concerns(upheld)),
      act("takedown", 4, {}, concerns(reversed)),
      act("restore", 5, {}, concerns(reversed)),
      act(
        "formal_review",
        5,
        {
          review: {
            outcome: "returned_for_supplement",
            missing: [{ element: "evidence", reason: "none" }],
          },
        },
        concerns(returned),
      ),
      flag,
    ];
    const { merchants, notifiers } = buildRegisters(records, options);
    const n = notifiers[0]!;
    expect(n).to.include({ idNumber: NOTIFIER, notices: 3, upheld: 1, reversed: 1, refused: 1 });
    expect(n.maliciousFlags).to.deep.equal([
      { recordId: flag.id, at: flag.metadata.effectiveAt, considerations: ["error_not_withdrawn"] },
    ]);
    // 100 - 25 (flag) - 5 (reversed) - 2 (returned)
    expect(n.credit).to.deep.include({ score: 68, grade: "C" });
    const m = merchants[0]!;
    expect(m.counts).to.include({ noticesAgainst: 3, determinations: 1, reversals: 1 });
    expect(m.credit.score).to.equal(95);
    expect(honourRoll(merchants, { from: day(10), to: day(20) }).map((e) => e.key)).to.deep.equal([
      MERCHANT,
    ]);
    expect(honourRoll(merchants, { from: day(1), to: day(20) })).to.deep.equal([]);

    // Sent again after the return: the return costs the notifier no credit.
    const resubmission = rec("notice", 7, {}, [{ rel: "resubmits", id: returned.id }]);
    const again = buildRegisters([...records, resubmission], options).notifiers[0]!;
    expect(again).to.include({ notices: 4, refused: 0 });
    expect(again.credit.score).to.equal(70); // 100 - 25 (flag) - 5 (reversed)
  });
});
