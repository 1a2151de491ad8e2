import { expect } from "chai";
import { recordLines } from "../../service/verify";

describe("a verified record as lines", () => {
  it("shows every value in order, and how many stay hidden where they stood", () => {
    expect(
      recordLines({
        metadata: {
          notifier: { type: "organisation", legalName: "Luma Footwear Co., Ltd." },
          targets: [{ url: "https://shop.example.com/item/1" }],
          urgent: false,
        },
        hidden: [["notifier", "_sd"], ["notifier", "_sd"], ["targets", 1], ["_sd"]],
      }),
    ).to.deep.equal([
      {
        field: "(record)",
        value: "〔已隐去 hidden〕 1 项个人信息未披露 1 personal value(s) not disclosed",
        hidden: true,
      },
      { field: "notifier.type", value: "organisation" },
      { field: "notifier.legalName", value: "Luma Footwear Co., Ltd." },
      {
        field: "notifier",
        value: "〔已隐去 hidden〕 2 项个人信息未披露 2 personal value(s) not disclosed",
        hidden: true,
      },
      { field: "targets[0].url", value: "https://shop.example.com/item/1" },
      {
        field: "targets[1]",
        value: "〔已隐去 hidden〕 1 项个人信息未披露 1 personal value(s) not disclosed",
        hidden: true,
      },
      { field: "urgent", value: "false" },
    ]);
  });
});
