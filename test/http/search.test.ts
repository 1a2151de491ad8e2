import { expect } from "chai";
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
    expect(await found("merchant=Happy%20Feet%20Trading%20Co.,%20Ltd.")).to.deep.equal([
      ids.counter,
      ids.filing,
    ]);
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
});
