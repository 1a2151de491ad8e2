import type { RecordOf } from "../records";

type Action = RecordOf<"action">;

/** Measures that decide on infringement (a takedown-like action counts as a determination). */
export const DETERMINATIONS: ReadonlySet<string> = new Set([
  "takedown",
  "block",
  "delink",
  "terminate_transactions",
]);

/**
 * The action that settles a case as far as the ledger shows: the latest determination,
 * restoration, or review finding no infringement. A takedown later restored is no
 * determination: counting it would overstate infringement (seed 001's rate, credit).
 */
export function lastDecisive(actions: readonly Action[]): Action | undefined {
  return actions
    .filter(
      (a) =>
        DETERMINATIONS.has(a.metadata.type) ||
        a.metadata.type === "restore" ||
        a.metadata.review?.outcome === "no_infringement",
    )
    .sort((a, b) => Date.parse(a.metadata.effectiveAt) - Date.parse(b.metadata.effectiveAt))
    .at(-1);
}

export type CaseOutcome = "refused" | "upheld" | "reversed" | "open";

/** How a notice's case ended: refused on review, upheld, reversed, or still open. */
export function caseOutcome(actions: readonly Action[]): CaseOutcome {
  if (
    actions.some((a) =>
      ["rejected", "returned_for_supplement"].includes(a.metadata.review?.outcome ?? ""),
    )
  )
    return "refused";
  const last = lastDecisive(actions);
  if (!last) return "open";
  return DETERMINATIONS.has(last.metadata.type) ? "upheld" : "reversed";
}
