import { z } from "zod";
import { actionFieldProblems } from "./action-fields";
import { ActivityMetadata, MediationMetadata } from "./activity";
import { CampaignMetadata } from "./campaign";
import { ContactDirectoryMetadata } from "./directory";
import { Malice, MerchantRef, PenaltyDecisionMetadata } from "./enforcement";
import { ReportMetadata } from "./report";
import { NOTICE_ELEMENT_NAMES } from "./notice-elements";
import {
  Channel,
  Agent,
  IsoDate,
  IsoDateTime,
  Listing,
  PartialParty,
  Party,
  text,
  Undertaking,
} from "./parts";

/**
 * Metadata schemas per record kind (DOMAIN.md). Every schema is strict: an unknown field is an
 * error, not silently dropped, because whatever is accepted is notarised as sent.
 */

/**
 * A right as the notice states it. Only its type is required: a notice that lacks an element is
 * still received and notarised, and the formal review records what is missing
 * (`notice-elements.ts`), because GB/T 39550 4.3.2.2 scores returning it for supplement.
 */
const RightBase = {
  holder: text(300).optional(),
  jurisdiction: text(100).optional(),
  validFrom: IsoDate.optional(),
  validUntil: IsoDate.optional(),
  /** Names of attached files proving the right. */
  proofFiles: z.array(text(255)).max(50).default([]),
};

const PatentRight = z.strictObject({
  type: z.literal("patent"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  patentType: z.enum(["invention", "utility_model", "design"]).optional(),
  claimsReliedOn: z.array(text(4_000)).max(100).optional(),
  featureComparison: z
    .array(z.strictObject({ claimFeature: text(4_000), productFeature: text(4_000) }))
    .max(200)
    .optional(),
  /** 专利权评价报告: expected for utility models and designs (GB/T 39550 4.3.1.3, our reading). */
  evaluationReportFile: text(255).optional(),
});

const TrademarkRight = z.strictObject({
  type: z.literal("trademark"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  niceClass: z.number().int().min(1).max(45).optional(),
  goodsOrServices: text(2_000).optional(),
  markImageFile: text(255).optional(),
});

const CopyrightRight = z.strictObject({
  type: z.literal("copyright"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  workTitle: text(500).optional(),
  workType: text(100).optional(),
  firstPublication: z.strictObject({ date: IsoDate, place: text(500) }).optional(),
  authorship: text(2_000).optional(),
});

const OtherRight = z.strictObject({
  type: z.literal("other"),
  ...RightBase,
  registrationNumber: text(100).optional(),
  description: text(4_000).optional(),
});

export const Right = z.discriminatedUnion("type", [
  PatentRight,
  TrademarkRight,
  CopyrightRight,
  OtherRight,
]);

/**
 * 侵权通知: E-Commerce Law art. 42, Civil Code art. 1195, DMCA 512(c)(3), DSA art. 16. What
 * arrived is recorded as it arrived: the elements the law asks for (notifier's identity, the
 * listings, the right, preliminary evidence, the undertaking) are checked, not demanded at intake
 * (`notice-elements.ts`), so a platform can prove it received an incomplete notice and returned
 * it for supplement. Values that are present must still be well formed.
 */
export const NoticeMetadata = z.strictObject({
  channel: Channel,
  notifier: PartialParty,
  agent: Agent.optional(),
  right: Right.optional(),
  targets: z.array(Listing).max(1_000).optional(),
  explanation: text(20_000).optional(),
  undertaking: Undertaking.optional(),
  /** A DMCA element (512(c)(3)(A)(v)); the CN profile does not ask for it (GB/T 39550 4.3.1). */
  goodFaith: z.literal(true).optional(),
});

/** 不存在侵权行为声明: E-Commerce Law art. 43, Civil Code art. 1196, DMCA 512(g)(3). */
export const CounterNoticeMetadata = z.strictObject({
  /** How it arrived (GB/T 39550 4.3.3.2 a); absent on declarations recorded before channels. */
  channel: Channel.optional(),
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
    /** `service_capture`: the service captured the page itself (written by it, never by a caller). */
    method: z.enum(["web_capture", "screen_recording", "order", "upload", "service_capture"]),
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
  /** Publication (E-Commerce Law art. 44; seed 000 §2 art. 6, §3 art. 4). */
  "publish_notice",
  "publish_declaration",
  "publish_result",
  "publish_penalty",
  /** Commitments and consumer reports found valid may be published too (seed 000 §2-§3). */
  "publish_commitment",
  "publish_report",
  "malicious_notice_flag",
  "expert_referral",
  "credit_penalty",
  /** The merchant enforcement register (seed 000 §2 art. 5, §4). */
  "warning_letter",
  "rectification_checked",
  "suspension",
  "key_management",
  "merchant_exit",
  /** The platform checked a merchant's filing (seed 000 §5 art. 5). */
  "filing_verified",
  /** The platform answered a consumer report (E-Commerce Law art. 59). */
  "report_answered",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Actions against a merchant, which the enforcement register is kept by. */
export const MERCHANT_ACTIONS: readonly ActionType[] = [
  "warning_letter",
  "rectification_checked",
  "suspension",
  "key_management",
  "merchant_exit",
  "credit_penalty",
  "publish_penalty",
];

/** What a review found (GB/T 39550 4.3.2.2 formal and substantive review, 4.3.3.3 declarations). */
export const REVIEW_OUTCOMES = [
  "complete",
  "returned_for_supplement",
  "rejected",
  "infringement_likely",
  "no_infringement",
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
    /** For reviews: the finding, and for a return, what is missing and why (GB/T 4.3.2.2). */
    review: z
      .strictObject({
        outcome: z.enum(REVIEW_OUTCOMES),
        missing: z
          .array(z.strictObject({ element: z.enum(NOTICE_ELEMENT_NAMES), reason: text(2_000) }))
          .max(20)
          .optional(),
        /** The raised threshold for a notifier on the malicious-notifier register was applied. */
        raisedThreshold: z.boolean().optional(),
      })
      .optional(),
    /** For malicious_notice_flag: the notifier and what made the notice malicious. */
    malice: Malice.optional(),
    /** For actions against a merchant: whom the enforcement register files it under. */
    merchant: MerchantRef.optional(),
    /** For warning_letter: the rectification ordered and its deadline; for a check, the finding. */
    rectification: z
      .strictObject({
        deadline: IsoDateTime,
        requirements: text(4_000).optional(),
        /** For rectification_checked: whether it was done by the deadline. */
        doneInTime: z.boolean().optional(),
      })
      .optional(),
    /** For suspension: the written self-criticism (书面检讨), an attached file. */
    selfCriticismFile: text(255).optional(),
    /** For publish_penalty: the platform's warning text published beside the decision. */
    warningText: text(4_000).optional(),
    /**
     * For forward_notice and forward_declaration: when what was forwarded reached its addressee
     * (the delivery the platform can show). E-Commerce Law art. 43 runs the 15 days from the
     * declaration's arrival at the rights holder, not from its sending.
     */
    deliveredAt: IsoDateTime.optional(),
    /**
     * For forward_declaration: the rights holder was told it may complain to the competent
     * authority or sue (E-Commerce Law art. 43: 告知其可以向有关主管部门投诉或者向人民法院起诉).
     * Without it the 15 days run against a holder who may not know they do.
     */
    remediesTold: z.boolean().optional(),
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
    for (const problem of actionFieldProblems(action))
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
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
  report: ReportMetadata,
  penalty_decision: PenaltyDecisionMetadata,
  mediation: MediationMetadata,
  activity: ActivityMetadata,
  campaign: CampaignMetadata,
  contact_directory: ContactDirectoryMetadata,
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

/**
 * The service's own record of an erasure (DESIGN §7): which committed values of a record were
 * erased (their disclosures deleted), when, why and on what basis. The digests stay in the
 * erased record, so its proofs hold; this record says why no one can disclose them any more.
 */
export const ErasureMetadata = z.strictObject({
  digests: z.array(z.string().regex(/^[A-Za-z0-9_-]{43}$/)),
  /** Where each erased value stood, as its disclosure said (JSON paths, dot-joined). */
  fields: z.array(z.string()),
  /** Files marked personal whose bytes were erased: the record's digests of them stand. */
  files: z
    .array(z.strictObject({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
    .optional(),
  reason: z.string().min(1).max(2000),
  legalBasis: z.string().min(1).max(500),
  /** `request`: a person's or authority's; `keeping_period`: the period ended (art. 31). */
  trigger: z.enum(["request", "keeping_period"]),
  requestedBy: z.string(),
});

/** Every kind a ledger holds: the client kinds and the service's own, `export` and `erasure`. */
export type RecordKind = ClientKind | "export" | "erasure";
export const LEDGER_KINDS: readonly RecordKind[] = [...RECORD_KINDS, "export", "erasure"];
