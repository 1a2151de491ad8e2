/**
 * The redaction rule for what the platform publishes (E-Commerce Law art. 44 publication; the
 * Personal Information Protection Law art. 6, minimum necessary). Documented in the README:
 *
 * 1. Identity documents, phone numbers, addresses, e-mail addresses and IP addresses are never
 *    published, wherever they sit in a record.
 * 2. A natural person's name keeps its first character, the rest masked (王** / L***);
 *    organisations' names are published, since they act in trade under them. A name whose
 *    owner's type is not stated is taken for a person's.
 * 3. Free text (explanations, arguments, reasons, warning text) is published with anything
 *    that looks like an e-mail address, a phone number or an identity number masked.
 *
 * Publication views are built field by field (a whitelist); this module supplies the masks.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** Identity card numbers (18 characters), credit codes and long digit runs. */
const ID_NUMBER = /\b[0-9A-Z]{15,18}\b/g;
/**
 * Phone numbers: mainland mobiles (13800000000, 138 0000 0000, +86 138 …), landlines with
 * their area code (0471-6208240), and international numbers written with a leading +. Digits
 * that run on from letters or a dot (a patent number ZL202310123456.7) or that carry no phone's
 * shape (a trademark registration 30123456) are not phones.
 */
const PHONE = new RegExp(
  [
    String.raw`(?<![\p{L}\p{N}.])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![\p{N}])`,
    String.raw`(?<![\p{L}\p{N}.])0\d{2,3}[\s-]?\d{7,8}(?![\p{N}])`,
    String.raw`(?<![\p{L}\p{N}])\+\d{1,3}(?:[\s-]?\d{2,4}){2,5}(?![\p{N}])`,
  ].join("|"),
  "gu",
);

export function maskText(text: string): string {
  return text
    .replace(EMAIL, "[已隐去 e-mail]")
    .replace(ID_NUMBER, (m) => (/\d{6}/.test(m) ? "[已隐去 id]" : m))
    .replace(PHONE, "[已隐去 phone]");
}

/** A party's name as published: organisations in full, people by their first character. */
export function publicName(party: { type?: "person" | "organisation"; legalName: string }): string {
  if (party.type === "organisation") return maskText(party.legalName);
  const chars = [...party.legalName.trim()];
  return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
}

/** Keys whose values are personal data wherever they appear. */
export const PERSONAL_KEYS = ["idDocument", "phone", "email", "address", "ip"] as const;
