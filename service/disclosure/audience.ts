import type { JsonPath } from "./selective";

/**
 * Who may be shown a personal value (DESIGN §7, the README's table "Who sees what"):
 * - `owner`: the submitter, the platform and a regulator only;
 * - `case`: also the other party of the record's case, to whom the law forwards it (E-Commerce
 *   Law arts. 42-43: the notice, its evidence and the notifier's identity and contact go to the
 *   merchant; the declaration and the declarant's go to the rights holder).
 * The public is shown none. Identity document numbers and IP addresses stay `owner`: the other
 * side needs to know who acts and how to reach them, not their identity card (PIPL art. 6).
 */
export type Audience = "owner" | "case";

const OWNER_ONLY = new Set(["idDocument", "ip"]);

export function audienceOf(path: JsonPath): Audience {
  return path.some((key) => typeof key === "string" && OWNER_ONLY.has(key)) ? "owner" : "case";
}

/** How a reader stands to a record: what of its personal data it may see. */
export type Entitlement = "all" | "case" | "none";

/** Whether a reader with `entitlement` may be shown a disclosure meant for `audience`. */
export function mayBeShown(audience: Audience, entitlement: Entitlement): boolean {
  return entitlement === "all" || (entitlement === "case" && audience === "case");
}
