import { z } from "zod";
import type { RecordKind } from "./kinds";

export const LINK_RELS = [
  "evidence",
  "answers",
  "concerns",
  "supports",
  "supersedes",
  "related",
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
      rel: "evidence",
      min: 1,
      targets: ["evidence"],
      why: "a notice needs preliminary evidence of infringement (E-Commerce Law art. 42)",
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
  export: [],
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
 * Checks a record's links against the rules, given the kinds of the records they point to
 * (`kindOf` answers undefined for a record that does not exist). Returns the first problem.
 */
export function checkLinks(
  kind: RecordKind,
  links: readonly Link[],
  kindOf: (id: string) => RecordKind | undefined,
): LinkProblem | undefined {
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
