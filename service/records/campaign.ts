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
  region: z
    .string()
    .refine(
      isRegionCode,
      "a GB/T 2260 administrative division code: six digits, a province's first",
    ),
  on: IsoDate,
  personnel: z.number().int().nonnegative(),
  goodsInspected: z.number().int().nonnegative(),
  /** Goods found infringing or counterfeit at the inspection itself (an on-the-spot finding). */
  goodsInfringing: z.number().int().nonnegative().default(0),
  rightsInvolved: z.array(text(200)).max(1_000).default([]),
  description: text(20_000).optional(),
  documentFiles: z.array(text(255)).max(100).default([]),
});

/**
 * GB/T 2260 province-level codes: a region code's first two digits must name one, and the
 * code may name the province (xx0000), a city (xxxx00) or a county.
 */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
  53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);

export function isRegionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCES.has(Number(code.slice(0, 2)));
}

/** Whether `code` lies within `area` (a province xx0000, a city xxxx00, or itself). */
export function withinRegion(code: string, area: string): boolean {
  if (area.endsWith("0000")) return code.slice(0, 2) === area.slice(0, 2);
  if (area.endsWith("00")) return code.slice(0, 4) === area.slice(0, 4);
  return code === area;
}
