import { z } from "zod";
import { CHANNELS } from "./channels";

/** Shared pieces of record metadata. Field meanings follow DOMAIN.md. */

const text = (max = 2_000) => z.string().trim().min(1).max(max);

export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();

export const IdDocument = z.object({
  type: z.enum([
    "resident_id",
    "passport",
    "business_licence",
    "unified_social_credit_code",
    "other",
  ]),
  number: text(100),
});

/** A person or organisation with the "真实身份信息" the E-Commerce Law requires. */
export const Party = z.object({
  type: z.enum(["person", "organisation"]),
  legalName: text(300),
  idDocument: IdDocument,
  address: text(500).optional(),
  phone: text(50).optional(),
  email: z.email().optional(),
});

/**
 * The sender of a notice as it arrived: a name at least, the rest as given. Whether the identity
 * suffices is the formal review's finding (`notice-elements.ts`), not an intake refusal.
 */
export const PartialParty = Party.extend({
  type: Party.shape.type.optional(),
  idDocument: IdDocument.optional(),
});

export const Agent = Party.extend({
  /** Name of the attached file holding the power of attorney. */
  powerOfAttorneyFile: text(255),
});

/** A listing located precisely enough for a platform to act on it. */
export const Listing = z.object({
  platform: text(200),
  url: z.url({ protocol: /^https?$/ }),
  itemId: text(200).optional(),
  shopId: text(200).optional(),
  merchant: text(300).optional(),
  /** When the transaction for these goods completed, where known: retention runs from it. */
  transactionCompletedOn: IsoDate.optional(),
});

export const Undertaking = z.object({
  signedBy: text(300),
  signedAt: IsoDate,
  statement: text(4_000),
});

export { text };

/** How a notice, declaration or report reached the platform (`channels.ts`). */
export const Channel = z.enum(CHANNELS);
