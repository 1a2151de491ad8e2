import { z } from "zod";
import { IdDocument, IsoDate, Party, text } from "./parts";

/** A merchant as the enforcement register files actions under it: by credit code, else shop. */
export const MerchantRef = z.strictObject({
  legalName: text(300),
  idDocument: IdDocument.optional(),
  shopId: text(200).optional(),
});
export type MerchantRef = z.infer<typeof MerchantRef>;

/**
 * The considerations for finding a notice malicious (GB/T 39550 4.3.3.1 c; our reading, after
 * the SPC's guidance on e-commerce platform IP cases, 法发〔2020〕32号 art. 6): each stated with
 * the facts that support it, so the finding can be checked.
 */
export const MALICE_CONSIDERATIONS = [
  /** 提交伪造、变造的权利证明 */
  "forged_proof_of_right",
  /** 提交虚假侵权对比的鉴定意见、专家意见 */
  "false_comparison_or_opinion",
  /** 明知权利状态不稳定仍发出通知 */
  "knowingly_unstable_right",
  /** 明知通知错误仍不及时撤回或者更正 */
  "error_not_withdrawn",
  /** 反复提交错误通知 */
  "repeated_erroneous_notices",
] as const;

export const Malice = z.strictObject({
  /** Whom the register is kept by: the notifier's identity document. */
  notifier: z.strictObject({ legalName: text(300), idDocument: IdDocument }),
  considerations: z
    .array(z.strictObject({ consideration: z.enum(MALICE_CONSIDERATIONS), facts: text(4_000) }))
    .min(1)
    .max(MALICE_CONSIDERATIONS.length),
  /** Names of attached files proving the finding. */
  proofFiles: z.array(text(255)).max(50).default([]),
});

/**
 * 行政处罚决定: a penalty decision of an enforcement authority against a merchant (seed 000 §2
 * art. 6, §4 art. 4), recorded with the decision document itself.
 */
export const PenaltyDecisionMetadata = z.strictObject({
  authority: text(300),
  documentNumber: text(200),
  decidedOn: IsoDate,
  merchant: Party,
  shopId: text(200).optional(),
  violation: text(4_000),
  penalty: text(4_000),
  /** Name of the attached file holding the decision document. */
  decisionFile: text(255),
});
