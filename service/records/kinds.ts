import { z } from "zod";
import { Agent, IsoDate, IsoDateTime, Listing, Party, text, Undertaking } from "./parts";

/**
 * Metadata schemas per record kind (DOMAIN.md). Every schema is strict: an unknown field is an
 * error, not silently dropped, because whatever is accepted is notarised as sent.
 */

const RightBase = {
  holder: text(300),
  jurisdiction: text(100),
  validFrom: IsoDate.optional(),
  validUntil: IsoDate.optional(),
  /** Names of attached files proving the right. */
  proofFiles: z.array(text(255)).max(50).default([]),
};

const PatentRight = z.strictObject({
  type: z.literal("patent"),
  ...RightBase,
  registrationNumber: text(100),
  patentType: z.enum(["invention", "utility_model", "design"]),
  claimsReliedOn: z.array(text(4_000)).min(1).max(100),
  featureComparison: z
    .array(z.strictObject({ claimFeature: text(4_000), productFeature: text(4_000) }))
    .min(1)
    .max(200),
  /** 专利权评价报告: required for utility models and designs (GB/T 39550 4.3.1.3, our reading). */
  evaluationReportFile: text(255).optional(),
});

const TrademarkRight = z.strictObject({
  type: z.literal("trademark"),
  ...RightBase,
  registrationNumber: text(100),
  niceClass: z.number().int().min(1).max(45),
  goodsOrServices: text(2_000),
  markImageFile: text(255).optional(),
});

const CopyrightRight = z.strictObject({
  type: z.literal("copyright"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  workTitle: text(500),
  workType: text(100),
  firstPublication: z.strictObject({ date: IsoDate, place: text(500) }).optional(),
  authorship: text(2_000),
});

const OtherRight = z.strictObject({
  type: z.literal("other"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  description: text(4_000),
});

export const Right = z
  .discriminatedUnion("type", [PatentRight, TrademarkRight, CopyrightRight, OtherRight])
  .superRefine((right, ctx) => {
    if (
      right.type === "patent" &&
      right.patentType !== "invention" &&
      !right.evaluationReportFile
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["evaluationReportFile"],
        message: "a utility model or design patent needs its evaluation report (专利权评价报告)",
      });
    }
  });

/** 侵权通知: E-Commerce Law art. 42, Civil Code art. 1195, DMCA 512(c)(3), DSA art. 16. */
export const NoticeMetadata = z.strictObject({
  channel: z.enum(["system", "email", "paper"]),
  notifier: Party,
  agent: Agent.optional(),
  right: Right,
  targets: z.array(Listing).min(1).max(1_000),
  explanation: text(20_000),
  undertaking: Undertaking,
  goodFaith: z.literal(true, { error: "a notice must state that it is made in good faith" }),
});

/** 不存在侵权行为声明: E-Commerce Law art. 43, Civil Code art. 1196, DMCA 512(g)(3). */
export const CounterNoticeMetadata = z.strictObject({
  merchant: Party,
  items: z.array(Listing).min(1).max(1_000),
  rightOrLicence: text(4_000).optional(),
  argument: text(20_000),
  undertaking: Undertaking,
});

/** Evidence and its collection context (GB/T 39550 5.3; SPC Internet Court rules art. 11). */
export const EvidenceMetadata = z.strictObject({
  role: z.enum([
    "proof_of_right",
    "infringement_capture",
    "test_purchase",
    "comparison",
    "declaration_proof",
    "platform_record",
  ]),
  phase: z.enum(["before", "during", "after"]),
  caseRef: text(200).optional(),
  description: text(4_000).optional(),
  collection: z.strictObject({
    collector: z.strictObject({ name: text(300), idDocument: Party.shape.idDocument.optional() }),
    method: z.enum(["web_capture", "screen_recording", "order", "upload"]),
    environment: z.strictObject({
      tool: text(200),
      toolVersion: text(100),
      url: z.url().optional(),
      ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    }),
    capturedAt: IsoDateTime,
  }),
});

export const ACTION_TYPES = [
  "formal_review",
  "substantive_review",
  "takedown",
  "block",
  "delink",
  "terminate_transactions",
  "forward_notice",
  "forward_declaration",
  /** The rights holder told the platform of a complaint or lawsuit: measures stay (art. 43). */
  "complaint_or_lawsuit_notified",
  /** A delay outside the rights holder's control, not counted in the 15-day wait. */
  "delay_excluded",
  "restore",
  "publish_result",
  "malicious_notice_flag",
  "expert_referral",
  "credit_penalty",
  "merchant_exit",
] as const;

/** A platform measure or decision; the statement follows DSA art. 17(3). */
export const ActionMetadata = z
  .strictObject({
    type: z.enum(ACTION_TYPES),
    legalBasis: text(2_000),
    decidedBy: z.strictObject({ kind: z.enum(["person", "automated"]), name: text(300) }),
    reasons: text(20_000),
    effectiveAt: IsoDateTime,
    statement: z
      .strictObject({
        measure: text(2_000),
        facts: text(20_000),
        automationUsed: z.boolean(),
        legalGround: text(2_000),
        redress: text(2_000),
      })
      .optional(),
    publication: z.strictObject({ url: z.url(), publishedAt: IsoDateTime }).optional(),
    /**
     * For `delay_excluded` only: time spent on notarisation, authentication or a like cause outside
     * the rights holder's control, which does not count in the 15-day wait, up to 20 working days
     * (SPC reply 法释〔2020〕9号 art. 3). The cap is applied by the case timeline, not here: the
     * platform notarises what was claimed, and the timeline shows how much of it counted.
     */
    excludedPeriod: z
      .strictObject({
        from: IsoDateTime,
        to: IsoDateTime,
        cause: z.enum(["notarisation", "authentication", "other"]),
      })
      .optional(),
  })
  .superRefine((action, ctx) => {
    const period = action.excludedPeriod;
    if (action.type === "delay_excluded" && !period)
      ctx.addIssue({
        code: "custom",
        path: ["excludedPeriod"],
        message: "a delay_excluded action needs the excluded period (from, to, cause)",
      });
    if (action.type !== "delay_excluded" && period)
      ctx.addIssue({
        code: "custom",
        path: ["excludedPeriod"],
        message: "only a delay_excluded action carries an excluded period",
      });
    if (period && Date.parse(period.from) >= Date.parse(period.to))
      ctx.addIssue({
        code: "custom",
        path: ["excludedPeriod", "to"],
        message: "the excluded period must end after it starts",
      });
  });

/** An IP right as a listing shows it, and what entitles the shop to show it. */
export const ShownRight = z.strictObject({
  type: z.enum(["patent", "trademark", "copyright", "other"]),
  registrationNumber: text(100),
  holder: text(300),
  /** The words or mark as displayed, e.g. "专利号 ZL202010000000.1". */
  displayedAs: text(2_000),
  basis: z.enum(["own", "licence", "authorisation"]),
  /** Names of attached files: the certificate, licence or authorisation. */
  proofFiles: z.array(text(255)).max(50).default([]),
});

/** Merchant IP filing, 备案 (GB/T 39550 4.1.1). */
export const FilingMetadata = z.strictObject({
  merchant: Party,
  shop: z.strictObject({ platform: text(200), shopId: text(200), name: text(300) }),
  identityProofFiles: z.array(text(255)).max(50).default([]),
  ipCompliance: Undertaking,
  /**
   * IP information shown on the shop's goods (GB/T 39550 5.4, data type 2): which listing
   * displays which rights. A later filing that supersedes this one replaces the list.
   */
  goodsIp: z
    .array(z.strictObject({ listing: Listing, shown: z.array(ShownRight).min(1).max(50) }))
    .max(1_000)
    .optional(),
});

/** A signed commitment, such as "not selling infringing goods". */
export const CommitmentMetadata = z.strictObject({
  party: Party,
  text: text(20_000),
  signedAt: IsoDate,
  validUntil: IsoDate.optional(),
});

export const METADATA_SCHEMAS = {
  notice: NoticeMetadata,
  counter_notice: CounterNoticeMetadata,
  evidence: EvidenceMetadata,
  action: ActionMetadata,
  filing: FilingMetadata,
  commitment: CommitmentMetadata,
} as const;

/** Kinds a client may submit. */
export type ClientKind = keyof typeof METADATA_SCHEMAS;
export const RECORD_KINDS = Object.keys(METADATA_SCHEMAS) as ClientKind[];

/** The service's own records: an export's manifest, notarised so the export is too. */
export const ExportMetadata = z.strictObject({
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  entries: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  filters: z.record(z.string(), z.string()),
  requestedBy: z.string(),
});

/** Every kind a ledger holds: the client kinds and `export`. */
export type RecordKind = ClientKind | "export";
export const LEDGER_KINDS: readonly RecordKind[] = [...RECORD_KINDS, "export"];
