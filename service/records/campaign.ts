import { z } from "zod";
import { IsoDate, text } from "./parts";

/**
 * Campaign work for the authorities' monthly form (seed 001): inspections and campaign actions
 * with the people sent and the goods inspected, by reporting unit and region. The region is
 * a GB/T 2260 administrative division code (six digits).
 */
export const CampaignMetadata = z.strictObject({
  type: z.enum(["inspection", "campaign_action"]),
  campaign: text(300),
  reportingUnit: text(300),
  region: z.string().regex(/^[1-8]\d{5}$/, "a GB/T 2260 code: six digits"),
  on: IsoDate,
  personnel: z.number().int().nonnegative(),
  goodsInspected: z.number().int().nonnegative(),
  /** Goods found infringing or counterfeit at the inspection itself (an on-the-spot finding). */
  goodsInfringing: z.number().int().nonnegative().default(0),
  rightsInvolved: z.array(text(200)).max(1_000).default([]),
  description: text(20_000).optional(),
  documentFiles: z.array(text(255)).max(100).default([]),
});
