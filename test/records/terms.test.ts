import { expect } from "chai";
import { readFileSync } from "node:fs";
import { normaliseListingUrl, termsOf, type MetadataOf } from "../../service/records";

describe("search terms", () => {
  it("normalises the ways one listing URL is written to one term", () => {
    const same = [
      "https://shop.example.com/item/889123",
      "HTTP://Shop.Example.com/item/889123/",
      "https://www.shop.example.com/item/889123#reviews",
      "shop.example.com/item/889123?utm_source=mail&utm_medium=x",
      "  https://shop.example.com:443/item/889123  ",
    ];
    expect(new Set(same.map(normaliseListingUrl))).to.deep.equal(
      new Set(["shop.example.com/item/889123"]),
    );
    // The parameter naming the item stays; tracking parameters and their order do not matter.
    expect(normaliseListingUrl("https://item.taobao.com/item.htm?spm=a1z10.1&id=6123")).to.equal(
      normaliseListingUrl("https://item.taobao.com/item.htm?id=6123&scm=1007"),
    );
    expect(normaliseListingUrl("https://item.taobao.com/item.htm?id=6123")).not.to.equal(
      normaliseListingUrl("https://item.taobao.com/item.htm?id=6124"),
    );
    expect(normaliseListingUrl("https://shop.example.com:8080/item/1")).to.equal(
      "shop.example.com:8080/item/1",
    );
  });

  it("keeps text that is not a web URL, trimmed and lower-cased", () => {
    expect(normaliseListingUrl(" Listing 42 in the Spring catalogue ")).to.equal(
      "listing 42 in the spring catalogue",
    );
    expect(normaliseListingUrl("ftp://files.example.com/Item")).to.equal(
      "ftp://files.example.com/item",
    );
  });

  it("indexes listings normalised and names as written, lower-cased", () => {
    const example = JSON.parse(readFileSync("examples/records/notice.json", "utf8")) as {
      metadata: MetadataOf<"notice">;
    };
    const metadata: MetadataOf<"notice"> = {
      ...example.metadata,
      notifier: { ...example.metadata.notifier, legalName: " Luma Footwear Co., Ltd. " },
      targets: [
        { platform: "p", url: "https://www.shop.example.com/item/1/", merchant: "Happy Feet" },
        {
          platform: "p",
          url: "https://shop.example.com/item/1?utm_campaign=x",
          merchant: "Happy Feet",
        },
      ],
    };
    expect(termsOf({ kind: "notice", metadata })).to.deep.equal([
      { field: "rights_holder", value: "luma footwear co., ltd." },
      // Every identifier of the party, its credit code too.
      { field: "rights_holder", value: "91310000ma1fl0xx1x" },
      { field: "right_number", value: "30123456" },
      { field: "listing_url", value: "shop.example.com/item/1" },
      { field: "merchant", value: "happy feet" },
    ]);
  });

  it("types each kind's metadata: a field that is not in the schema does not compile", () => {
    const notice = JSON.parse(readFileSync("examples/records/notice.json", "utf8")) as {
      metadata: MetadataOf<"notice">;
    };
    // @ts-expect-error a notice's rights holder is `right.holder`; `rightsHolder` is no field
    const misnamed: string = notice.metadata.rightsHolder;
    // @ts-expect-error a counter-notice has no `right`
    const wrongKind = (m: MetadataOf<"counter_notice">) => m.right;
    expect([misnamed, typeof wrongKind]).to.deep.equal([undefined, "function"]);
    expect(termsOf({ kind: "notice", metadata: notice.metadata }).length).to.be.greaterThan(0);
  });
});
