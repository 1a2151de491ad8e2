import { expect } from "chai";
import { maskText, publicName, type Publication } from "../../service/publication";
import { referencedFileNames } from "../../service/records";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

/** Every kind of personal data the redaction rule removes, planted in every place it can sit. */
const PII = {
  idNumber: "110101199003071234",
  creditCode: "91310115MA1HX0XX2Y",
  phone: "+86 138 1234 5678",
  landline: "0471-6208240",
  email: "li.na@private.example",
  address: "北京市东城区某某胡同 8 号",
  personName: "李娜娜",
  ip: "203.0.113.7",
};

describe("publication (E-Commerce Law art. 44)", function () {
  this.timeout(60_000);

  it("masks e-mails, phones and identity numbers in free text, and people's names", () => {
    expect(
      maskText(`mail ${PII.email} or call ${PII.phone} / ${PII.landline}, id ${PII.idNumber}`),
    ).to.equal("mail [已隐去 e-mail] or call [已隐去 phone] / [已隐去 phone], id [已隐去 id]");
    expect(publicName({ type: "person", legalName: PII.personName })).to.equal("李**");
    expect(publicName({ type: "organisation", legalName: "Luma Footwear Co., Ltd." })).to.equal(
      "Luma Footwear Co., Ltd.",
    );
    // A name whose owner's type is not stated is taken for a person's.
    expect(publicName({ legalName: PII.personName })).to.equal("李**");
    // Registration and patent numbers are not phones or identity numbers.
    for (const number of ["ZL202310123456.7", "ZL 202310123456.7", "30123456", "第30123456号"])
      expect(maskText(`注册号 ${number}`)).to.equal(`注册号 ${number}`);
  });

  describe("the public pages", () => {
    let notary: TestNotary;
    let published: string[];
    before(async () => {
      notary = await startTestNotary({ PUBLIC_URL: "https://notary.example.com" });
      const post = async (
        kind: string,
        edit: (m: Record<string, unknown>) => void,
        links: { rel: string; id: string }[] = [],
      ) => {
        const record = await exampleRecord(kind, links);
        edit(record.metadata as Record<string, unknown>);
        const files = referencedFileNames(record as Parameters<typeof referencedFileNames>[0]).map(
          (name) => ({ name, content: "x" }),
        );
        const answer = await notary.client.postRecord(record, files);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
        return (answer.body as { id: string }).id;
      };
      const person = {
        type: "person",
        legalName: PII.personName,
        idDocument: { type: "resident_id", number: PII.idNumber },
        address: PII.address,
        phone: PII.phone,
        email: PII.email,
      };
      const tainted = `联系 ${PII.email}，电话 ${PII.phone}，身份证 ${PII.idNumber}。`;
      const evidence = await post("evidence", () => {});
      const notice = await post(
        "notice",
        (m) => {
          m.notifier = person;
          m.explanation = tainted;
          // Complete (art. 42): only a complete notice is published as one.
          (m.right as Record<string, unknown>).proofFiles = ["商标注册证.pdf"];
          (m.targets as { merchant: string }[])[0]!.merchant = `${PII.personName} ${PII.landline}`;
        },
        [{ rel: "evidence", id: evidence }],
      );
      const declaration = await post(
        "counter_notice",
        (m) => {
          m.merchant = person;
          m.argument = tainted;
        },
        [
          { rel: "answers", id: notice },
          { rel: "evidence", id: evidence },
        ],
      );
      const penalty = await post("penalty_decision", (m) => {
        m.merchant = {
          ...person,
          idDocument: { type: "unified_social_credit_code", number: PII.creditCode },
        };
        m.violation = tainted;
      });
      const act = (type: string, concerns: string, extra: Record<string, unknown> = {}) =>
        post("action", (m) => Object.assign(m, { type, reasons: tainted, ...extra }), [
          { rel: "concerns", id: concerns },
        ]);
      // A notifier of no stated type, and a person named as the right's holder.
      const untyped = await post(
        "notice",
        (m) => {
          m.notifier = {
            legalName: "赵小明",
            email: PII.email,
            idDocument: { type: "resident_id", number: PII.idNumber },
          };
          m.right = {
            type: "patent",
            registrationNumber: "ZL202310123456.7",
            holder: "钱多多",
            proofFiles: ["专利证书.pdf"],
            patentType: "invention",
            claimsReliedOn: ["1. 一种鞋底"],
            featureComparison: [{ claimFeature: "鞋底", productFeature: "相同鞋底" }],
          };
        },
        [{ rel: "evidence", id: evidence }],
      );
      const commitment = await post("commitment", () => {});
      const report = await post("report", (m) => {
        m.reporter = { name: "孙小美", phone: PII.phone, anonymous: false };
      });
      published = [
        await act("publish_notice", untyped),
        await act("publish_commitment", commitment),
        await act("publish_report", report),
        await act("publish_notice", notice),
        await act("publish_declaration", declaration),
        await act("publish_result", notice),
        await act("publish_penalty", penalty, { warningText: `警示：${tainted}` }),
      ];
      const directory = await post("contact_directory", () => {});
      await waitAnchored(notary.client, directory);
    });
    after(async () => notary?.stop());

    it("publishes, without a key, each published record's public view and its verification", async () => {
      const anonymous = notary.client.withKey(undefined);
      const feed = await anonymous.get("/v1/public/publications");
      expect(feed.status).to.equal(200);
      const publications = (feed.body as { publications: Publication[] }).publications;
      expect(publications.map((p) => p.id).sort()).to.deep.equal([...published].sort());
      expect(publications.map((p) => p.subject).sort()).to.deep.equal([
        "commitment",
        "declaration",
        "notice",
        "notice",
        "outcome",
        "penalty",
        "report",
      ]);
      // Each item, and each publication, links its verification: the certificate lookup, which
      // answers the record as committed (its personal values digests, no disclosure), so every
      // record here gets one; none of them answers a personal value.
      const follow = async (link: string, id: string) => {
        const url = new URL(link);
        expect(url.origin + url.pathname).to.equal("https://notary.example.com/verify");
        const number = url.searchParams.get("certificate");
        const code = url.searchParams.get("code");
        expect(code, `${link}: every record is anchored and committed`).to.be.a("string");
        const answer = await anonymous.get(`/v1/certificates/${number}?code=${code}`);
        expect(answer.status, link).to.equal(200);
        const text = JSON.stringify(answer.body);
        for (const value of [...Object.values(PII), "赵小明", "钱多多", "孙小美"])
          expect(text, link).not.to.include(value);
        expect((answer.body as { receipt: { record: { id: string } } }).receipt.record.id).to.equal(
          id,
        );
      };
      for (const p of publications) {
        await follow(p.verify, p.id);
        for (const item of p.items) await follow(item.verify, item.recordId);
      }
      // The contact directory holds no personal data: its versions are verifiable by anyone.
      const versions = (
        (await anonymous.get("/v1/public/contacts")).body as { versions: { verify: string }[] }
      ).versions;
      expect(new URL(versions[0]!.verify).searchParams.get("code")).to.be.a("string");
      expect(publications.find((p) => p.subject === "penalty")!.warningText).to.include("警示");
    });

    it("never shows a field the redaction rule removes, on the page or in the feed", async () => {
      const anonymous = notary.client.withKey(undefined);
      for (const path of ["/v1/public/publications", "/public/publications"]) {
        const answer = await anonymous.get(path);
        const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        for (const [what, value] of Object.entries(PII))
          expect(text, `${what} on ${path}`).not.to.include(value);
        for (const person of ["赵小明", "钱多多", "孙小美"])
          expect(text, `${person} on ${path}`).not.to.include(person);
        expect(text).to.include("李**").and.to.include("赵**").and.to.include("钱**");
        expect(text).to.include("ZL202310123456.7");
      }
    });

    it("labels every field of the page in words, its values too, with times in Beijing time", async () => {
      const page = (await notary.client.withKey(undefined).get("/public/publications"))
        .body as string;
      const labels = [...page.matchAll(/<dt>([^<]*)<\/dt>/g)].map((m) => m[1]!);
      expect(labels.length).to.be.greaterThan(10);
      // No bare field name (receivedAt, legalGround) reaches a reader.
      for (const label of labels) expect(label, label).to.match(/[\u4e00-\u9fff]/);
      expect(labels).to.include.members(["收到时间", "渠道", "通知人", "处罚"]);
      expect(page).to.include("专门的通知系统");
      expect(page).to.include("专利");
      expect(page).to.match(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 北京时间（/);
      // In English for a reader whose browser asks for it, or who follows the switch.
      const asked = await fetch(`${notary.url}/public/publications`, {
        headers: { "accept-language": "en-GB,en;q=0.9" },
      });
      expect(asked.headers.get("content-language")).to.equal("en");
      expect(asked.headers.get("vary")).to.match(/accept-language/i);
      const english = await asked.text();
      expect(english).to.equal(
        (await notary.client.withKey(undefined).get("/public/publications?lang=en")).body,
      );
      const englishLabels = [...english.matchAll(/<dt>([^<]*)<\/dt>/g)].map((m) => m[1]!);
      expect(englishLabels).to.include.members(["Received", "Channel", "Notifier", "Penalty"]);
      expect(english).to.include("dedicated notice system").and.include(">patent");
      expect(english).to.match(/\d{2}:\d{2}:\d{2} Beijing time \(/);
      expect(english).to.include('<html lang="en">').and.include('href="?lang=zh"');
    });

    it("shows the contact directory and every version of it", async () => {
      const anonymous = notary.client.withKey(undefined);
      const page = await anonymous.get("/public/contacts");
      expect(page.status).to.equal(200);
      expect(page.body as string).to.include("0471-6208240");
      const json = await anonymous.get("/v1/public/contacts");
      expect((json.body as { versions: unknown[] }).versions).to.have.length(1);
    });
  });
});
