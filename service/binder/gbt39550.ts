import type { Facts } from "./facts";

/** One facet of the evidence a row is scored on: what it is, and how many records show it. */
export interface RowEvidence {
  facet: string;
  label: string;
  count: number;
}

export type Basis = "records" | "activities" | "outside";

/** A row of the evaluation table of GB/T 39550-2020 (seed 003, 附件2), with how it is scored. */
export interface TableRow {
  id: string;
  level: "basic" | "improvement" | "bonus";
  /** 一级 / 二级 indicator. */
  area: string;
  /** 三级 indicator. */
  item: string;
  /** 评分内容, as the table words it. */
  content: string;
  clause: string;
  /** 评分标准, as the table words it. */
  criteria: string;
  points: number;
  /**
   * `records`: the platform's own records show it; `activities`: activity records (training,
   * guidance, …) document it, work done outside the software; `outside`: the ledger cannot
   * show it (a questionnaire, an effect), though it may list records that help.
   */
  basis: Basis;
  /** How the binder scores the row from the evidence, in words. */
  rule: string;
  score: (f: Facts) => { score: number; evidence: RowEvidence[] };
}

const ev = (f: Facts, facet: string, label: string): RowEvidence => ({
  facet,
  label,
  count: f.count(facet),
});

/** `points` for each facet that holds a record, at most `max`. */
const perFacet =
  (facets: readonly (readonly [facet: string, label: string, points: number])[], max: number) =>
  (f: Facts) => {
    const evidence = facets.map(([facet, label]) => ev(f, facet, label));
    const score = facets.reduce((n, [facet, , points]) => n + (f.has(facet) ? points : 0), 0);
    return { score: Math.min(max, score), evidence };
  };

/** All the points when every facet holds a record, none otherwise. */
const allOf =
  (facets: readonly (readonly [facet: string, label: string])[], points: number) => (f: Facts) => {
    const evidence = facets.map(([facet, label]) => ev(f, facet, label));
    return { score: evidence.every((e) => e.count > 0) ? points : 0, evidence };
  };

/** A row's score as `score` gives it, with facets that support it listed beside, for no points. */
const withSupport =
  (
    score: (f: Facts) => ReturnType<ReturnType<typeof allOf>>,
    facets: readonly (readonly [facet: string, label: string])[],
  ) =>
  (f: Facts) => {
    const scored = score(f);
    return {
      ...scored,
      evidence: [...scored.evidence, ...facets.map(([facet, label]) => ev(f, facet, label))],
    };
  };

/** Listings captured by the service itself: what goods show, and evidence before a dispute. */
const SERVICE_CAPTURES = [
  "evidence.service_capture",
  "平台自行网页取证 listings captured by this service",
] as const;

/** Nothing from software: the facets listed only support the assessor's own finding. */
const outside =
  (facets: readonly (readonly [facet: string, label: string])[] = []) =>
  (f: Facts) => ({ score: 0, evidence: facets.map(([facet, label]) => ev(f, facet, label)) });

const NOTICE_ELEMENTS = [
  ["identity", "通知人身份 notifier's identity"],
  ["location", "商品定位 listings located"],
  ["right", "权利证明 proof of right"],
  ["evidence", "初步证据 preliminary evidence"],
  ["undertaking", "真实性保证 undertaking"],
] as const;

const CHANNELS_SCORED = [
  ["system", "单独的通知系统 dedicated system"],
  ["email", "邮件 e-mail"],
  ["paper", "纸件 paper"],
] as const;

const MEASURES = [
  ["takedown", "删除 takedown"],
  ["block", "屏蔽 block"],
  ["delink", "断开链接 delink"],
  ["terminate_transactions", "终止交易和服务 terminate transactions"],
] as const;

export const GBT39550_ROWS: readonly TableRow[] = [
  {
    id: "B1",
    level: "basic",
    area: "电子商务平台管理 · 管理制度",
    item: "投诉举报机制",
    content: "建立投诉举报渠道，公示相关制度，按照制度处理平台内的知识产权投诉。",
    clause: "4.2",
    criteria: "提供电商平台建立相关制度证明材料的，得5分。",
    points: 5,
    basis: "records",
    rule: "5 when the published contact directory is notarised and notices or reports were handled under it",
    score: (f) => {
      const evidence = [
        ev(f, "directory", "公示的联系方式 published contact directory"),
        ev(f, "notice", "侵权通知 notices"),
        ev(f, "report", "消费者举报 consumer reports"),
        ev(f, "case.tracked", "已处理的通知 notices acted on"),
      ];
      const handled = f.has("case.tracked") || f.has("action.report_answered");
      return { score: f.has("directory") && handled ? 5 : 0, evidence };
    },
  },
  {
    id: "B2",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知发出",
    item: "通用要件",
    content: "通用要求应包含五大要件。",
    clause: "4.3.1.2",
    criteria: "电商平台提供有关证明材料每一项得1分，最高得5分。",
    points: 5,
    basis: "records",
    rule: "1 per element of 4.3.1.2 that received notices carry (the service checks each notice)",
    score: perFacet(
      NOTICE_ELEMENTS.map(([e, label]) => [`notice.element.${e}`, label, 1] as const),
      5,
    ),
  },
  {
    id: "B3",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知发出",
    item: "特殊要件",
    content: "涉及专利权、商标权、著作权的侵权通知是否包含特殊要件。",
    clause: "4.3.1.3/4/5",
    criteria: "电商平台提供有关证明材料的得分，专利权、商标权、著作权中每项知识产权分别得2分。",
    points: 6,
    basis: "records",
    rule: "2 per right type (patent, trademark, copyright) with a notice holding all its type-specific elements",
    score: perFacet(
      [
        ["notice.element.patent_details", "专利特殊要件 patent elements", 2],
        ["notice.element.trademark_details", "商标特殊要件 trademark elements", 2],
        ["notice.element.copyright_details", "著作权特殊要件 copyright elements", 2],
      ],
      6,
    ),
  },
  {
    id: "B4",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知受理",
    item: "通知渠道",
    content: "建立畅通的权利人侵权通知渠道，至少以下之一：单独的通知系统、邮件通知、纸件通知。",
    clause: "4.3.2.1",
    criteria: "电商平台提供有关证明材料并符合至少包含其中一项得分，每项得2分。",
    points: 6,
    basis: "records",
    rule: "2 per channel (dedicated system, e-mail, paper) through which notices arrived",
    score: perFacet(
      CHANNELS_SCORED.map(([c, label]) => [`notice.channel.${c}`, label, 2] as const),
      6,
    ),
  },
  {
    id: "B5",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知受理",
    item: "初步审查",
    content: "及时完成侵权通知初步审查，包括形式要件审查和一般判断能力的实质性审查。",
    clause: "4.3.2.2",
    criteria:
      "开展形式要件审查得3分；以一般判断能力进行实质性审查排除明显不构成侵权的侵权通知，得3分。",
    points: 6,
    basis: "records",
    rule: "3 for recorded formal reviews; 3 for substantive reviews that rejected a notice",
    score: perFacet(
      [
        ["action.formal_review", "形式审查 formal reviews", 3],
        ["review.substantive_review.rejected", "实质审查排除 substantive rejections", 3],
      ],
      6,
    ),
  },
  {
    id: "B6",
    level: "basic",
    area: "知识产权争议解决 · 采取必要措施和转发侵权通知",
    item: "必要措施",
    content: "及时采取必要措施。",
    clause: "4.3.3.1 a",
    criteria: "平台对合格侵权通知每采取一项标准规定的必要措施，得2分，最高不超过10分。",
    points: 10,
    basis: "records",
    rule: "2 per kind of necessary measure taken on a notice not refused; a suspension counts as a fifth kind only when it concerns such a notice, not when it followed a penalty decision",
    score: perFacet(
      [
        ...MEASURES.map(([m, label]) => [`valid.measure.${m}`, label, 2] as const),
        ["valid.measure.suspension", "停业整顿 suspension on a notice", 2],
      ],
      10,
    ),
  },
  {
    id: "B7",
    level: "basic",
    area: "知识产权争议解决 · 采取必要措施和转发侵权通知",
    item: "转送通知",
    content: "及时将侵权通知转送商户。",
    clause: "4.3.3.1 b",
    criteria: "将合格侵权通知转送商户，得4分。",
    points: 4,
    basis: "records",
    rule: "4 when notices not refused were forwarded to merchants",
    score: allOf([["valid.forwarded", "转送商户 forwarded"]], 4),
  },
  {
    id: "B8",
    level: "basic",
    area: "知识产权争议解决 · 采取必要措施和转发侵权通知",
    item: "恶意通知",
    content: "识别恶意通知、恶意投诉方并进行处理。",
    clause: "4.3.3.1 c",
    criteria:
      "认定恶意通知并能证明的，得0.5分。对侵权通知相关信息进行记录，提高恶意通知人后续通知受理和处理门槛的，得1分。恶意认定考量因素包括标准规定5个方面的得0.5分，最高不超过2.5分。",
    points: 4,
    basis: "records",
    rule: "0.5 for a flag with proof files; 1 for a review at the raised threshold; 0.5 per consideration used",
    score: (f) => {
      const considerations = [
        "forged_proof_of_right",
        "false_comparison_or_opinion",
        "knowingly_unstable_right",
        "error_not_withdrawn",
        "repeated_erroneous_notices",
      ];
      const evidence = [
        ev(f, "malice.proven", "有证明的恶意认定 proven malicious flags"),
        ev(f, "review.raised_threshold", "提高门槛的审查 reviews at the raised threshold"),
        ...considerations.map((c) => ev(f, `malice.${c}`, `考量因素 ${c}`)),
      ];
      const score =
        (f.has("malice.proven") ? 0.5 : 0) +
        (f.has("review.raised_threshold") ? 1 : 0) +
        Math.min(2.5, considerations.filter((c) => f.has(`malice.${c}`)).length * 0.5);
      return { score, evidence };
    },
  },
  {
    id: "B9",
    level: "basic",
    area: "知识产权争议解决 · 不存在侵权行为声明",
    item: "声明渠道",
    content: "提交不存在侵权行为声明的渠道。",
    clause: "4.3.3.2 a",
    criteria: "平台提供标准4.3.3.2 a规定两种渠道至少1种的，得2分。",
    points: 2,
    basis: "records",
    rule: "2 when declarations arrived through a recorded channel",
    score: allOf([["declaration.channel", "声明渠道 declarations with their channel"]], 2),
  },
  {
    id: "B10",
    level: "basic",
    area: "知识产权争议解决 · 不存在侵权行为声明",
    item: "声明要件",
    content: "不存在侵权声明的内容要件要求。",
    clause: "4.3.3.2 b",
    criteria: "平台引导商户提交的不存在侵权行为声明应包含标准规定的5类要件，包含3项得分。",
    points: 5,
    basis: "records",
    rule: "5 when the declarations received hold at least 3 of the 5 kinds of content",
    score: (f) => {
      const kinds = [
        ["identity", "声明人身份 identity"],
        ["items", "商品定位 items"],
        ["right", "权利或授权证明 right or licence"],
        ["evidence", "不侵权证据 evidence"],
        ["undertaking", "真实性保证 undertaking"],
      ] as const;
      const evidence = kinds.map(([k, label]) => ev(f, `declaration.element.${k}`, label));
      return { score: evidence.filter((e) => e.count > 0).length >= 3 ? 5 : 0, evidence };
    },
  },
  {
    id: "B11",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知结论处置",
    item: "声明审查",
    content: "不存在侵权行为声明的审查。",
    clause: "4.3.3.3",
    criteria: "进行审查，排除明显不能证明声明人行为合法性的，得2分。",
    points: 2,
    basis: "records",
    rule: "2 when reviews of declarations were recorded",
    score: allOf([["review.of_declaration", "声明审查 reviews of declarations"]], 2),
  },
  {
    id: "B12",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知结论处置",
    item: "不侵权处置",
    content: "不存在侵权行为的处置。",
    clause: "4.3.3.3",
    criteria: "对经判定不存在侵权行为，中止必要措施的，得3分。",
    points: 3,
    basis: "records",
    rule: "3 when measures were ended after a finding of no infringement",
    score: allOf(
      [["case.ended_on_no_infringement", "判定不侵权后恢复 restored on no infringement"]],
      3,
    ),
  },
  {
    id: "B13",
    level: "basic",
    area: "知识产权争议解决 · 侵权通知结论处置",
    item: "侵权处置",
    content: "确认侵权行为的处置。",
    clause: "4.3.3.4",
    criteria: "继续保持所采取得必要措施，得2分。",
    points: 2,
    basis: "records",
    rule: "2 when measures were kept after a declaration, on a complaint or a finding of infringement",
    score: allOf([["case.measures_kept", "维持措施 measures kept"]], 2),
  },
  {
    id: "I1",
    level: "improvement",
    area: "电子商务平台管理 · 信息管理",
    item: "商户注册",
    content: "平台宜对商户身份证明和知识产权合规性承诺信息进行备案。",
    clause: "4.1.1",
    criteria: "电商平台引导商户入驻时进行相关信息备案，满足4.1.1.a，得1分；满足4.1.1.b，得1分。",
    points: 2,
    basis: "records",
    rule: "1 for filings with identity proof files; 1 for IP-compliance commitments on file",
    score: perFacet(
      [
        ["filing.identity_proof", "身份证明备案 identity proof filed", 1],
        ["filing.ip_compliance", "合规承诺 IP-compliance undertaking", 1],
      ],
      2,
    ),
  },
  {
    id: "I2",
    level: "improvement",
    area: "电子商务平台管理 · 信息管理",
    item: "商品知识产权信息展示",
    content: "平台引导对相关商品或服务中包含的知识产权信息的进行展示。",
    clause: "4.1.2",
    criteria:
      "电商平台引导商户对相关商品或服务中包含的商标权、著作权、专利权、地理标志等知识产权信息的进行展示的每项得1分，最多可得3分。",
    points: 3,
    basis: "records",
    rule: "1 per kind of right shown on goods in filings (trademark, copyright, patent, other such as GI)",
    score: withSupport(
      perFacet(
        [
          ["filing.goods_ip.trademark", "商标 trademark", 1],
          ["filing.goods_ip.copyright", "著作权 copyright", 1],
          ["filing.goods_ip.patent", "专利 patent", 1],
          ["filing.goods_ip.other", "地理标志等 GI and others", 1],
        ],
        3,
      ),
      [SERVICE_CAPTURES],
    ),
  },
  {
    id: "I3",
    level: "improvement",
    area: "电子商务平台管理 · 管理制度",
    item: "投诉举报便利及时",
    content: "及时、便利处理相关知识产权投诉与举报。",
    clause: "4.2",
    criteria: "便利性、及时性通过调查问卷或第三方横向对比赋分，得1分。",
    points: 1,
    basis: "outside",
    rule: "scored by questionnaire or third-party comparison; the case timelines support it",
    score: outside([["case.tracked", "有时间线的案件 cases with timelines"]]),
  },
  {
    id: "I4",
    level: "improvement",
    area: "电子商务平台管理 · 管理制度",
    item: "纠纷解决机制",
    content: "宜通过多种渠道建立知识产权纠纷解决机制。",
    clause: "4.2",
    criteria: "电商平台建立每一种机制得1分，总分不得超过3分。",
    points: 3,
    basis: "records",
    rule: "1 for negotiated settlement or mediation by a centre, association or mediation body (one example in the table), 1 for referral to authorities, arbitration or courts; the third point is for a mechanism the table does not list, outside the records",
    score: (f) => {
      const groups = [
        [
          ["negotiation", "protection_centre", "industry_association", "mediation_organisation"],
          "协商和解或调解 negotiation or mediation",
        ],
        [
          ["authority_complaint", "arbitration", "litigation"],
          "投诉、仲裁、起诉 authorities and courts",
        ],
      ] as const;
      const evidence = groups.map(([routes, label]) => ({
        facet: routes.map((r) => `mediation.${r}`).join("|"),
        label,
        count: routes.reduce((n, r) => n + f.count(`mediation.${r}`), 0),
      }));
      return { score: evidence.filter((e) => e.count > 0).length, evidence };
    },
  },
  {
    id: "I5",
    level: "improvement",
    area: "电子商务平台管理 · 管理制度",
    item: "信用评价机制",
    content: "宜建立知识产权权利人、电子商务平台内经营者的信用评价机制，加强信用的监督管理。",
    clause: "4.2",
    criteria: "电商平台建立相关机制得1分；信用评价机制有效性及信用信息运用效果佳，得1分。",
    points: 2,
    basis: "records",
    rule: "1 when credit facts are recorded (flags, penalties, warnings); 1 when credit was applied (a raised threshold, key management)",
    score: (f) => {
      const facts = [
        "malice.flag",
        "penalty_decision",
        "action.warning_letter",
        "action.credit_penalty",
      ];
      const applied = ["review.raised_threshold", "action.key_management"];
      const evidence = [
        ...facts.map((x) => ev(f, x, `信用事实 credit fact: ${x}`)),
        ...applied.map((x) => ev(f, x, `信用运用 credit applied: ${x}`)),
      ];
      const score = (facts.some((x) => f.has(x)) ? 1 : 0) + (applied.some((x) => f.has(x)) ? 1 : 0);
      return { score, evidence };
    },
  },
  {
    id: "I6",
    level: "improvement",
    area: "知识产权争议解决 · 知识产权纠纷解决机制",
    item: "不超标准要求",
    content: "未对权利人的通知提出超过标准的要求。",
    clause: "4.3.1",
    criteria: "电商平台要求侵权通知提供标准规定额外的信息，不应超过标准要求。",
    points: 1,
    basis: "records",
    rule: "1 when notices were received: the CN profile checks the standard's elements and nothing more",
    score: allOf([["notice", "按标准受理的通知 notices received under the standard"]], 1),
  },
  {
    id: "I7",
    level: "improvement",
    area: "知识产权争议解决 · 知识产权纠纷解决机制",
    item: "主动联系权利人",
    content: "主动联系权利人，帮助解答维权过程中遇到的问题。",
    clause: "4.3.2.1",
    criteria: "电商平台建立相关机制并提供有关证明材料的，得1分。",
    points: 1,
    basis: "activities",
    rule: "1 when proactive contacts with rights holders are recorded",
    score: allOf([["activity.proactive_contact", "主动联系 proactive contacts"]], 1),
  },
  {
    id: "I8",
    level: "improvement",
    area: "知识产权争议解决 · 知识产权纠纷解决机制",
    item: "响应咨询",
    content: "及时响应权利人咨询、解答维权过程中遇到的问题。",
    clause: "—",
    criteria: "电商平台建立相关机制并提供有关证明材料的，得1分。",
    points: 1,
    basis: "activities",
    rule: "1 when answered enquiries are recorded",
    score: allOf([["activity.enquiry_answered", "咨询答复 enquiries answered"]], 1),
  },
  {
    id: "I9",
    level: "improvement",
    area: "知识产权争议解决 · 知识产权纠纷解决机制",
    item: "第三方评审",
    content: "应对专利等复杂知识产权纠纷，引入第三方专业机构参与评审。",
    clause: "4.3.3.5",
    criteria: "应对复杂纠纷引入机构/专家得得1分。",
    points: 1,
    basis: "records",
    rule: "1 when an expert referral (action) or expert review (activity) is recorded",
    score: perFacet(
      [
        ["action.expert_referral", "专家评审转交 expert referrals", 1],
        ["activity.expert_review", "专家评审 expert reviews", 1],
      ],
      1,
    ),
  },
  {
    id: "I10",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 总体要求",
    item: "数据库",
    content: "建立相关数据库并实现相关功能。",
    clause: "5.1",
    criteria:
      "建立数据库，并实现相关信息存储、证据管理、追溯管理、协助核查等功能之一的，每项得0.5分，总分2分。",
    points: 2,
    basis: "records",
    rule: "0.5 each: records stored, evidence managed, records anchored (traceable), an export made for an investigation",
    score: perFacet(
      [
        ["record", "信息存储 records stored", 0.5],
        ["evidence", "证据管理 evidence records", 0.5],
        ["anchored", "追溯管理 anchored records", 0.5],
        ["export", "协助核查 exports", 0.5],
      ],
      2,
    ),
  },
  {
    id: "I11",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 功能要求",
    item: "基本功能",
    content: "电商网络信息平台具备基本功能。",
    clause: "5.2",
    criteria:
      "具备侵权通知受理渠道及管理功能，得1分；消费者举报管理功能得1分；电子证据收集和记录功能功能，得1分。",
    points: 3,
    basis: "records",
    rule: "1 each: notices managed, consumer reports managed, evidence collected",
    score: perFacet(
      [
        ["case.tracked", "通知管理 notices managed", 1],
        ["report", "消费者举报 consumer reports", 1],
        ["evidence", "电子证据 evidence", 1],
      ],
      3,
    ),
  },
  {
    id: "I12",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 功能要求",
    item: "其他功能",
    content: "电商网络信息平台具备其他功能。",
    clause: "5.2",
    criteria:
      "具备备案信息检索功能，得0.4分；监管协查功能且能导出协查数据，得0.4分；纠纷调解功能，得0.4分；侵权信息智能监测功能0.4分；对通知、反通知、争议处理结果公示功能，得0.4分。",
    points: 2,
    basis: "records",
    rule: "0.4 each: filings on record (searchable), exports, mediations, publications; intelligent monitoring is the platform's own system, outside the records (listed, not scored)",
    score: (f) => {
      const mediations = f.present("mediation").length > 0;
      const evidence = [
        ev(f, "filing", "备案检索 filings"),
        ev(f, "export", "协查导出 exports"),
        {
          facet:
            f
              .present("mediation")
              .map((r) => `mediation.${r}`)
              .join("|") || "mediation",
          label: "纠纷调解 mediations",
          count: f.present("mediation").reduce((n, r) => n + f.count(`mediation.${r}`), 0),
        },
        ev(f, "activity.monitoring", "智能监测 monitoring (listed, not scored)"),
        ev(f, "publication", "公示 publications"),
      ];
      const score =
        0.4 *
        [f.has("filing"), f.has("export"), mediations, f.has("publication")].filter(Boolean).length;
      return { score: Math.round(score * 10) / 10, evidence };
    },
  },
  {
    id: "I13",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 证据管理",
    item: "数据要求",
    content: "事前、事中、事后证据采集。",
    clause: "5.3.1",
    criteria:
      "证据采集内容及相关数据符合第4章要求，符合4.1、4.3.1、4.3.2、4.3.3.1、4.3.3.2、4.3.3.5要求，得2分。",
    points: 2,
    basis: "records",
    rule: "2 with evidence collected before, during and after disputes, and filings, notices and declarations on record",
    score: withSupport(
      allOf(
        [
          ["evidence.phase.before", "事前证据 before"],
          ["evidence.phase.during", "事中证据 during"],
          ["evidence.phase.after", "事后证据 after"],
          ["filing", "备案 filings (4.1)"],
          ["notice", "通知 notices (4.3.1-4.3.2)"],
          ["declaration", "声明 declarations (4.3.3.2)"],
        ],
        2,
      ),
      [SERVICE_CAPTURES],
    ),
  },
  {
    id: "I14",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 证据管理",
    item: "存证机制",
    content: "平台知识产权存证机制。",
    clause: "5.3.2 & 5.5",
    criteria: "运用数字指纹、数字水印、区块链等技术实现知识产权电子存在及证据管理，得2-3分。",
    points: 3,
    basis: "records",
    rule: "2 for SHA-256 fingerprints of records and files; 1 more only for a witness the operator does not control (a public chain or a time-stamping authority): the operator's own chain proves no more than the operator",
    score: perFacet(
      [
        ["record", "数字指纹 fingerprinted records", 1],
        ["fingerprinted_file", "文件指纹 fingerprinted files", 1],
        [
          "independently_witnessed",
          "独立见证（公链或时间戳机构）anchored on a public chain or time-stamped by a TSA",
          1,
        ],
      ],
      3,
    ),
  },
  {
    id: "I15",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 监管协查",
    item: "数据导出",
    content: "数据平台具有数据导出功能。",
    clause: "5.4",
    criteria:
      "平台能实现标准5.4规定的8种类型数据导出的功能，得3分；可导出任意4种，得1分；任意6种，得2分。",
    points: 3,
    basis: "records",
    rule: "3 when a data export was made (every export holds all eight data types); court bundles do not count",
    score: allOf([["export", "导出（8类数据）exports of the eight types"]], 3),
  },
  {
    id: "I16",
    level: "improvement",
    area: "电子商务网络信息平台要求 · 新技术应用",
    item: "新技术作用",
    content: "平台发挥新技术作用。",
    clause: "5.5",
    criteria:
      "应用区块链、二维码、人工智能等新技术于主动侵权监测于防控得1分；应用于防伪追溯，得1分。",
    points: 2,
    basis: "outside",
    rule: "the platform's own monitoring and anti-counterfeit tracing are its systems, not records this service keeps: a monitoring activity on record is listed, not scored",
    score: outside([["activity.monitoring", "主动监测 monitoring (listed)"]]),
  },
  {
    id: "I17",
    level: "improvement",
    area: "组织知识产权管理 · 总体要求",
    item: "管理体系",
    content: "建立知识产权管理体系。",
    clause: "6.1",
    criteria:
      "提交建立知识产权管理体系相关佐证材料，每证明符合标准6.1 a/b/c/d/e中任意一项得0.4分，总分2分。",
    points: 2,
    basis: "activities",
    rule: "0.4 per recorded management-system document, at most 2",
    score: (f) => ({
      score: Math.min(2, Math.round(f.count("activity.management_system") * 4) / 10),
      evidence: [ev(f, "activity.management_system", "管理体系文件 management-system documents")],
    }),
  },
  {
    id: "I18",
    level: "improvement",
    area: "组织知识产权管理 · 机构与职责",
    item: "专业团队",
    content: "电子商务平台知识产权风险监测信息复审。",
    clause: "6.2",
    criteria:
      "提交建立知识产权专业团队或委托知识产权专业机构相关佐证材料，负责电子商务平台知识产权风险监测信息复审得1分；在收到侵权通知、投诉、举报，指导相应权利人相关方积极处理相关事务，得1分。",
    points: 2,
    basis: "activities",
    rule: "1 for the IP team on record; 1 for guidance given on notices and reports",
    score: perFacet(
      [
        ["activity.ip_team", "专业团队 IP team", 1],
        ["activity.guidance", "指导 guidance", 1],
      ],
      2,
    ),
  },
  {
    id: "I19",
    level: "improvement",
    area: "组织知识产权管理 · 信息和知识资源",
    item: "宣传培训交流指导",
    content: "提供必要的宣传、培训、交流、指导等服务。",
    clause: "6.3",
    criteria: "提供宣传服务得1分，培训服务得1分，交流服务得1分，指导服务，得1分。",
    points: 4,
    basis: "activities",
    rule: "1 each for outreach, training, exchange and guidance on record",
    score: perFacet(
      [
        ["activity.outreach", "宣传 outreach", 1],
        ["activity.training", "培训 training", 1],
        ["activity.exchange", "交流 exchange", 1],
        ["activity.guidance", "指导 guidance", 1],
      ],
      4,
    ),
  },
  {
    id: "X1",
    level: "bonus",
    area: "电子商务平台管理 · 信息管理",
    item: "注册阶段信息",
    content: "商户注册阶段信息管理。",
    clause: "加分项",
    criteria: "通过技术手段进行问题商家拦截、对引导商户提供权利证明或授权证明，得1分。",
    points: 1,
    basis: "records",
    rule: "1 when filings carry licence or authorisation proofs for the rights their goods show, and no exited merchant's new filing stood: the register flags each re-entry by credit code or identity number, and a verification rejecting it intercepts it",
    score: (f) => {
      const evidence = [
        ev(f, "filing.authorisation_proof", "授权证明 authorisation proofs"),
        ev(f, "filing.re_entry_intercepted", "问题商家拦截 re-entries intercepted"),
        ev(f, "filing.re_entry_standing", "未拦截的重新入驻 re-entries left standing"),
      ];
      const intercepting = !f.has("filing.re_entry_standing");
      return { score: f.has("filing.authorisation_proof") && intercepting ? 1 : 0, evidence };
    },
  },
  {
    id: "X2",
    level: "bonus",
    area: "知识产权争议解决 · 侵权通知受理",
    item: "丰富的通知渠道",
    content: "丰富的、畅通的权利人侵权通知渠道。",
    clause: "加分项",
    criteria: "提供四种以上侵权受理渠道的，每多一种增加0.5，最高不超过2分。",
    points: 2,
    basis: "records",
    rule: "0.5 per channel beyond four that notices arrived by; consumer-report channels and directory contacts are not notice channels",
    score: (f) => {
      const channels = f.present("notice.channel");
      return {
        score: Math.min(2, Math.max(0, channels.length - 4) * 0.5),
        evidence: channels.map((c) => ev(f, `notice.channel.${c}`, `渠道 channel: ${c}`)),
      };
    },
  },
  {
    id: "X3",
    level: "bonus",
    area: "知识产权争议解决 · 侵权通知受理",
    item: "便捷的通知渠道",
    content: "便捷的权利人侵权通知渠道。",
    clause: "加分项",
    criteria:
      "如便捷清晰的系统入口或投诉流程跟踪系统等，每项各得0.5分，最多不超过1分。对侵权通知相关环节及要求提供详细指引，通过案例、图文、视频、常见问题等多种方式，每一项0.25分，共1分。",
    points: 2,
    basis: "records",
    rule: "0.5 for a dedicated system entry, 0.5 for case tracking; 0.25 per recorded guidance material, at most 1",
    score: (f) => {
      const evidence = [
        ev(f, "notice.channel.system", "系统入口 system entry"),
        ev(f, "case.tracked", "流程跟踪 case tracking"),
        ev(f, "activity.guidance", "指引材料 guidance materials"),
      ];
      const score =
        (f.has("notice.channel.system") ? 0.5 : 0) +
        (f.has("case.tracked") ? 0.5 : 0) +
        Math.min(1, f.count("activity.guidance") * 0.25);
      return { score, evidence };
    },
  },
  {
    id: "X4",
    level: "bonus",
    area: "知识产权争议解决 · 侵权通知受理",
    item: "补充材料机会",
    content: "为形式要件初步审查不合格的侵权通知提供补充材料的机会。",
    clause: "加分项",
    criteria: "明确、完整告知退回理由及所缺材料，得0.5分；有实际案例的，得0.5分。",
    points: 1,
    basis: "records",
    rule: "0.5 for returns stating the missing elements and why; 0.5 for a notice resubmitted after one",
    score: perFacet(
      [
        ["review.return_stated", "退回理由 returns with reasons", 0.5],
        ["notice.resubmission", "补充后重新提交 resubmissions", 0.5],
      ],
      1,
    ),
  },
  {
    id: "X5",
    level: "bonus",
    area: "电子商务网络信息平台要求 · 监管协查",
    item: "线下打击",
    content: "线下打击。",
    clause: "加分项",
    criteria:
      "组建知识产权专门团队和专业人员，得0.5分；配合国家机关实施假货线下打击工作，得0.5分。",
    points: 1,
    basis: "activities",
    rule: "0.5 for the IP team on record; 0.5 for offline enforcement or campaign work on record",
    score: (f) => {
      const evidence = [
        ev(f, "activity.ip_team", "专门团队 IP team"),
        ev(f, "activity.offline_enforcement", "线下打击 offline enforcement"),
        ev(f, "campaign", "专项行动 campaign work"),
      ];
      const offline = f.has("activity.offline_enforcement") || f.has("campaign");
      return { score: (f.has("activity.ip_team") ? 0.5 : 0) + (offline ? 0.5 : 0), evidence };
    },
  },
  {
    id: "X6",
    level: "bonus",
    area: "电子商务网络信息平台要求 · 监管协查",
    item: "监管协查效果",
    content: "监管协查效果。",
    clause: "加分项",
    criteria: "平台提供监管协查数据导出取得的效果相关佐证材料，得1分。",
    points: 1,
    basis: "outside",
    rule: "the effect of exports is the authorities' to attest; the exports are listed",
    score: outside([["export", "导出 exports"]]),
  },
  {
    id: "X7",
    level: "bonus",
    area: "电子商务网络信息平台要求 · 数据安全",
    item: "数据安全",
    content: "保证数据安全，对存储和相关服务器进行有效维护。",
    clause: "加分项",
    criteria: "平台提供相关佐证材料，数据安全可靠，得1分。",
    points: 1,
    basis: "records",
    rule: "1 when records are witnessed by someone the operator does not control (a TSA or a public chain) or data-security work is documented, and no record of the period commits personal data in the clear (a v1 record's proof shows it to anyone and it can never be erased)",
    score: (f) => {
      const evidence = [
        ev(f, "independently_witnessed", "独立见证 independently witnessed"),
        ev(f, "activity.data_security", "数据安全工作 data-security work"),
        ev(f, "personal_in_clear", "个人信息明文存证 personal data in the clear"),
      ];
      const secured = f.has("independently_witnessed") || f.has("activity.data_security");
      return { score: secured && !f.has("personal_in_clear") ? 1 : 0, evidence };
    },
  },
  {
    id: "X8",
    level: "bonus",
    area: "电子商务网络信息平台要求 · 新技术应用",
    item: "新技术应用效果",
    content: "平台新技术应用效果。",
    clause: "加分项",
    criteria:
      "平台提供技术先进性、技术准确性、技术应用取得成效等相关佐证材料，应用效果良好，得1分。",
    points: 1,
    basis: "outside",
    rule: "the effect is the assessors' finding; anchored records and monitoring are listed",
    score: outside([
      ["anchored", "区块链锚定 anchored records"],
      ["activity.monitoring", "主动监测 monitoring"],
    ]),
  },
];

/**
 * Points a row can earn from the ledger at all: not I4's third mechanism (the table's two
 * examples are what records show), nor I12's monitoring function (the platform's own system).
 */
export const SUPPORTABLE_POINTS: Record<string, number> = { I4: 2, I12: 1.6 };
