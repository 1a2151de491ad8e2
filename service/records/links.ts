import { z } from "zod";
import type { RecordKind } from "./kinds";

export const LINK_RELS = [
  "evidence",
  "answers",
  "concerns",
  "supports",
  "supersedes",
  /** A notice sent again after it was returned for supplement links the one returned. */
  "resubmits",
  "related",
  /** An erasure record names the record whose values it erased. */
  "erases",
] as const;

export const Link = z.strictObject({
  rel: z.enum(LINK_RELS),
  id: z.uuid(),
});
export type Link = z.infer<typeof Link>;

interface LinkRule {
  rel: Link["rel"];
  min: number;
  max?: number;
  /** Kinds the linked record may have; any kind when absent. */
  targets?: readonly RecordKind[];
  why: string;
}

/**
 * What each kind must or may link to. A link to a record that does not exist, or of the wrong
 * kind, is refused: a counter-notice answering nothing would be notarised as valid otherwise.
 */
export const LINK_RULES: Record<RecordKind, readonly LinkRule[]> = {
  notice: [
    {
      // Preliminary evidence is one of the elements the formal review checks: a notice without
      // it is received and returned for supplement, not refused (GB/T 39550 4.3.2.2).
      rel: "evidence",
      min: 0,
      targets: ["evidence"],
      why: "preliminary evidence of infringement is an evidence record (E-Commerce Law art. 42)",
    },
    {
      rel: "resubmits",
      min: 0,
      max: 1,
      targets: ["notice"],
      why: "a resubmitted notice supplements exactly one notice returned for supplement",
    },
  ],
  counter_notice: [
    {
      rel: "answers",
      min: 1,
      max: 1,
      targets: ["notice"],
      why: "a counter-notice answers exactly one notice (E-Commerce Law art. 43)",
    },
    {
      rel: "evidence",
      min: 0,
      targets: ["evidence"],
      why: "evidence of non-infringement is an evidence record",
    },
  ],
  evidence: [{ rel: "supports", min: 0, why: "evidence may support any record" }],
  action: [{ rel: "concerns", min: 1, why: "an action concerns the records it decides on" }],
  filing: [],
  commitment: [{ rel: "supports", min: 0, why: "a commitment may support a filing" }],
  report: [
    {
      rel: "evidence",
      min: 0,
      targets: ["evidence"],
      why: "a report's evidence is an evidence record",
    },
  ],
  penalty_decision: [],
  mediation: [
    {
      rel: "concerns",
      min: 0,
      targets: ["notice", "counter_notice", "report"],
      why: "a mediation concerns the dispute's notice, declaration or report",
    },
  ],
  activity: [{ rel: "supports", min: 0, why: "an activity may support any record" }],
  campaign: [{ rel: "evidence", min: 0, targets: ["evidence"], why: "evidence of the work" }],
  contact_directory: [],
  export: [],
  erasure: [{ rel: "erases", min: 1, max: 1, why: "an erasure erases values of one record" }],
};

/** Links every kind may carry whatever its rules say. */
const GENERAL_RELS: readonly Link["rel"][] = ["supersedes", "related"];

export interface LinkProblem {
  code:
    | "LINK_MISSING"
    | "LINK_NOT_ALLOWED"
    | "LINK_TOO_MANY"
    | "LINK_WRONG_KIND"
    | "LINK_UNKNOWN_RECORD"
    | "LINK_DUPLICATE";
  message: string;
  link?: Link;
}

/**
 * What some action types may concern, beyond the action rule: a return for supplement of an
 * evidence record, or a rectification check of a notice, would be notarised as meaningful.
 */
const ACTION_TARGETS: Partial<Record<string, { targets: readonly RecordKind[]; why: string }>> = {
  formal_review: {
    targets: ["notice", "counter_notice", "report"],
    why: "a formal review concerns a notice, declaration or report (GB/T 39550 4.3.2.2)",
  },
  substantive_review: {
    targets: ["notice", "counter_notice", "report"],
    why: "a substantive review concerns a notice, declaration or report",
  },
  malicious_notice_flag: {
    targets: ["notice"],
    why: "a malice flag concerns the notice found malicious",
  },
  rectification_checked: {
    targets: ["action"],
    why: "a rectification check concerns the warning letter that ordered it",
  },
  filing_verified: { targets: ["filing"], why: "a verification concerns the filing checked" },
  report_answered: { targets: ["report"], why: "an answer concerns the consumer report" },
  publish_penalty: {
    targets: ["penalty_decision"],
    why: "a published penalty concerns the authority's decision",
  },
  publish_commitment: {
    targets: ["commitment"],
    why: "a published commitment concerns the commitment record",
  },
  publish_report: {
    targets: ["report"],
    why: "a published report concerns the consumer report",
  },
};

/**
 * Checks a record's links against the rules, given the kinds of the records they point to
 * (`kindOf` answers undefined for a record that does not exist). Returns the first problem.
 * An action's metadata narrows what it may concern; a return for supplement concerns notices.
 */
export function checkLinks(
  kind: RecordKind,
  links: readonly Link[],
  kindOf: (id: string) => RecordKind | undefined,
  action?: { type: string; review?: { outcome: string } },
): LinkProblem | undefined {
  const narrowed = action && ACTION_TARGETS[action.type];
  const returned = action?.review?.outcome === "returned_for_supplement";
  for (const link of kind === "action" && narrowed ? links : []) {
    if (link.rel !== "concerns") continue;
    const target = kindOf(link.id);
    // A notice or a declaration may be returned for supplement (arts. 42-43 alike).
    const allowed = returned ? (["notice", "counter_notice"] as const) : narrowed!.targets;
    if (target !== undefined && !(allowed as readonly string[]).includes(target))
      return {
        code: "LINK_WRONG_KIND",
        message: `${returned ? "a return for supplement concerns a notice or a declaration" : narrowed!.why}; ${link.id} is a ${target}`,
        link,
      };
  }
  const seen = new Set<string>();
  for (const link of links) {
    const key = `${link.rel} ${link.id}`;
    if (seen.has(key))
      return { code: "LINK_DUPLICATE", message: `link ${key} is given twice`, link };
    seen.add(key);
    const rule = LINK_RULES[kind].find((r) => r.rel === link.rel);
    if (!rule && !GENERAL_RELS.includes(link.rel)) {
      return {
        code: "LINK_NOT_ALLOWED",
        message: `a ${kind} cannot carry a "${link.rel}" link`,
        link,
      };
    }
    const target = kindOf(link.id);
    if (target === undefined)
      return {
        code: "LINK_UNKNOWN_RECORD",
        message: `linked record ${link.id} does not exist`,
        link,
      };
    if (rule?.targets && !rule.targets.includes(target)) {
      return {
        code: "LINK_WRONG_KIND",
        message: `a "${link.rel}" link from a ${kind} must point to a ${rule.targets.join(" or ")}, and ${link.id} is a ${target}`,
        link,
      };
    }
  }
  for (const rule of LINK_RULES[kind]) {
    const count = links.filter((l) => l.rel === rule.rel).length;
    if (count < rule.min)
      return { code: "LINK_MISSING", message: `missing "${rule.rel}" link: ${rule.why}` };
    if (rule.max !== undefined && count > rule.max) {
      return {
        code: "LINK_TOO_MANY",
        message: `at most ${rule.max} "${rule.rel}" link(s): ${rule.why}`,
      };
    }
  }
  return undefined;
}
