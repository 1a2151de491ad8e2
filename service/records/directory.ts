import { z } from "zod";
import { Channel, IsoDate, text } from "./parts";

/** The platform's published contacts (seed 000 §1): every version notarised. */
export const ContactDirectoryMetadata = z.strictObject({
  effectiveFrom: IsoDate,
  entries: z
    .array(
      z.strictObject({
        role: z.enum(["platform_complaints", "platform_ip_office", "rights_holder", "authority"]),
        name: text(300),
        /** For rights holders: the brands or patents they answer for. */
        covers: text(2_000).optional(),
        channel: Channel,
        contact: text(500),
      }),
    )
    .min(1)
    .max(1_000),
});
