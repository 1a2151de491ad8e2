import { z } from "zod";
import { Channel, Listing, text } from "./parts";

/**
 * 消费者举报: a consumer's report of counterfeit or infringing goods (E-Commerce Law art. 59;
 * GB/T 39550 4.2, 5.2). A reporter may stay anonymous; the actions that answer it concern it.
 */
export const ReportMetadata = z.strictObject({
  channel: Channel,
  reporter: z.strictObject({
    name: text(300).optional(),
    phone: text(50).optional(),
    email: z.email().optional(),
    anonymous: z.boolean().default(false),
  }),
  category: z.enum(["counterfeit", "ip_infringement", "other"]),
  listings: z.array(Listing).max(100).default([]),
  content: text(20_000),
});
