import { expect } from "chai";
import { sql } from "kysely";
import { join } from "node:path";
import { openDatabase } from "../../service/storage";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, type TestNotary } from "../support/notary";

describe("search (regulators and platforms)", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  const ids: Record<string, string> = {};

  before(async () => {
    notary = await startTestNotary();
    const post = async (kind: string, links: { rel: string; id: string }[] = []) => {
      const answer = await notary.client.postRecord(await exampleRecord(kind, links));
      if (answer.status !== 201)
        throw new Error(`${kind}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as { id: string }).id;
    };
    ids.evidence = await post("evidence");
    ids.notice = await post("notice", [{ rel: "evidence", id: ids.evidence }]);
    ids.counter = await post("counter_notice", [{ rel: "answers", id: ids.notice }]);
    ids.filing = await post("filing");
  });
  after(async () => notary?.stop());

  const search = async (query: string) => {
    const { status, body } = await notary.client.get(`/v1/records?${query}`);
    return {
      status,
      body: body as {
        records: { id: string; seq: number }[];
        nextCursor: number | null;
        error?: { code: string };
      },
    };
  };
  const found = async (query: string) => (await search(query)).body.records.map((r) => r.id);

  it("finds records by merchant, rights holder, right number, listing URL and kind", async () => {
    // The notice names the merchant's shop, not the merchant: its filing says the shop is its.
    expect(await found("merchant=Happy%20Feet%20Trading%20Co.,%20Ltd.")).to.deep.equal([
      ids.notice,
      ids.counter,
      ids.filing,
    ]);
    // Every identifier a record carries: a merchant's credit code and shop, a notifier's code.
    expect(await found("merchant=330100000123456")).to.deep.equal([
      ids.notice,
      ids.counter,
      ids.filing,
    ]);
    expect(await found("merchant=s-5521")).to.deep.equal([ids.notice, ids.counter, ids.filing]);
    expect(await found("rightsHolder=91310000MA1FL0XX1X")).to.deep.equal([ids.notice]);
    expect(await found("merchant=happy%20feet%20trading")).to.deep.equal([ids.notice]);
    expect(
      await found(`rightsHolder=${encodeURIComponent("Luma Footwear Co., Ltd.")}`),
    ).to.deep.equal([ids.notice]);
    expect(await found("rightNumber=30123456")).to.deep.equal([ids.notice]);
    expect(
      await found(`listingUrl=${encodeURIComponent("https://shop.example.com/item/889123")}`),
    ).to.deep.equal([ids.notice, ids.counter]);
    expect(await found("kind=filing")).to.deep.equal([ids.filing]);
    // A filing is found by the rights its goods show and the listings that show them.
    expect(await found("rightNumber=12345678")).to.deep.equal([ids.filing]);
    expect(
      await found(`listingUrl=${encodeURIComponent("https://shop.example.com/item/88231")}`),
    ).to.deep.equal([ids.filing]);
    expect(await found("kind=notice&rightNumber=999")).to.deep.equal([]);
  });

  it("finds a listing however its URL is written", async () => {
    for (const written of [
      "HTTP://www.Shop.Example.com/item/889123/",
      "shop.example.com/item/889123?utm_source=wechat#reviews",
    ])
      expect(await found(`listingUrl=${encodeURIComponent(written)}`), written).to.deep.equal([
        ids.notice,
        ids.counter,
      ]);
  });

  it("re-indexes listing URLs stored before they were normalised (migration 0005)", async () => {
    const old = await startTestNotary();
    const evidence = (await old.client.postRecord(await exampleRecord("evidence"))).body as {
      id: string;
    };
    const notice = (
      (
        await old.client.postRecord(
          await exampleRecord("notice", [{ rel: "evidence", id: evidence.id }]),
        )
      ).body as { id: string }
    ).id;
    await old.stop();
    // The ledger as the previous version left it: URLs only lower-cased, 0005 not yet run.
    const { db } = await openDatabase({ sqliteFile: join(old.dataDir, "ledger.sqlite") });
    await db
      .updateTable("record_terms")
      .set({ value: "https://www.shop.example.com/item/889123/" })
      .where("field", "=", "listing_url")
      .execute();
    // Migrations after 0005 are that version's future too.
    await sql`delete from kysely_migration where name >= '0005'`.execute(db);
    await db.destroy();

    const upgraded = await startTestNotary({}, old.dataDir);
    try {
      const { body } = await upgraded.client.get(
        `/v1/records?listingUrl=${encodeURIComponent("https://shop.example.com/item/889123")}`,
      );
      expect((body as { records: { id: string }[] }).records.map((r) => r.id)).to.deep.equal([
        notice,
      ]);
    } finally {
      await upgraded.stop();
    }
  });

  it("filters by received time and pages with a cursor", async () => {
    const all = await found("limit=500");
    expect(all).to.deep.equal([ids.evidence, ids.notice, ids.counter, ids.filing]);
    expect(await found("from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z")).to.deep.equal([]);
    const pages: string[] = [];
    let cursor: number | null = null;
    do {
      const page: { records: { id: string }[]; nextCursor: number | null } = (
        await search(`limit=3${cursor === null ? "" : `&cursor=${cursor}`}`)
      ).body;
      pages.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages).to.deep.equal(all);
  });

  for (const [query, code] of [
    ["seller=x", "SEARCH_UNKNOWN_FILTER"],
    ["from=yesterday", "SEARCH_INVALID"],
    ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "SEARCH_REVERSED_RANGE"],
    ["limit=0", "SEARCH_INVALID"],
    ["kind=complaint", "SEARCH_INVALID"],
  ]) {
    it(`refuses ${query} with ${code}`, async () => {
      const { status, body } = await search(query!);
      expect([status, body.error?.code]).to.deep.equal([400, code]);
    });
  }

  it("matches full-width and decomposed forms of what was indexed (NFKC at index and query)", async () => {
    const filing = await exampleRecord("filing");
    const metadata = filing.metadata as {
      merchant: { legalName: string };
      shop: { shopId: string };
    };
    metadata.merchant.legalName = "Caf\u00e9 Lumi\u00e8re"; // composed (NFC), as typed on most systems
    metadata.shop.shopId = "s-cafe"; // its own shop: records naming another shop are not its
    const answer = await notary.client.postRecord(filing);
    expect(answer.status).to.equal(201);
    const id = (answer.body as { id: string }).id;
    for (const written of [
      "Cafe\u0301 Lumie\u0300re", // decomposed (NFD), as macOS file systems and some keyboards give
      "\uff23\uff41\uff46\u00e9 \uff2c\uff55\uff4d\uff49\u00e8\uff52\uff45", // full-width Latin
    ])
      expect(await found(`merchant=${encodeURIComponent(written)}`), written).to.deep.equal([id]);
    // Full-width digits in a registration number find the notice's right.
    expect(
      await found(
        `rightNumber=${encodeURIComponent("\uff13\uff10\uff11\uff12\uff13\uff14\uff15\uff16")}`,
      ),
    ).to.deep.equal([ids.notice]);
  });
});
