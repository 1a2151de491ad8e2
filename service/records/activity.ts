import { z } from "zod";
import { IsoDate, IsoDateTime, Party, text } from "./parts";

/**
 * The platform's IP work beyond cases, each with its documents (GB/T 39550 4.3.2.1, 6.2, 6.3 and
 * the evaluation's bonus rows): what software cannot do but a ledger can prove was done.
 */
export const ACTIVITY_TYPES = [
  "training",
  "outreach",
  "exchange",
  "guidance",
  "enquiry_answered",
  "proactive_contact",
  "expert_review",
  "offline_enforcement",
  "ip_team",
  "management_system",
  "monitoring",
  "data_security",
] as const;

export const ActivityMetadata = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  title: text(500),
  /** When it took place (a day, or a start and end). */
  on: IsoDate,
  until: IsoDate.optional(),
  audience: text(2_000).optional(),
  participants: z.number().int().nonnegative().optional(),
  description: text(20_000),
  /** Names of attached files: agenda, slides, sign-in sheet, minutes, photos. */
  documentFiles: z.array(text(255)).max(100).default([]),
});

/** Dispute resolution outside the notice procedure (GB/T 39550 4.2). */
export const MEDIATION_ROUTES = [
  "negotiation",
  "protection_centre",
  "industry_association",
  "mediation_organisation",
  "authority_complaint",
  "arbitration",
  "litigation",
] as const;

export const MediationMetadata = z.strictObject({
  route: z.enum(MEDIATION_ROUTES),
  stage: z.enum(["referred", "in_progress", "settled", "failed", "withdrawn"]),
  body: text(300).optional(),
  parties: z.array(Party).min(1).max(20),
  at: IsoDateTime,
  summary: text(20_000),
  /** Names of attached files: referral letter, settlement agreement, decision. */
  documentFiles: z.array(text(255)).max(50).default([]),
});
