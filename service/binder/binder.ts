import { z } from "zod";
import type { Facts } from "./facts";
import { GBT39550_ROWS, SUPPORTABLE_POINTS, type TableRow } from "./gbt39550";

export const BINDER_FORMAT = "gbt39550-binder/v1";

const Sample = z.object({ recordId: z.uuid(), certificate: z.string(), verify: z.string() });

/** The binder of evidence for a GB/T 39550 evaluation (seed 003, 四(二)), as data. */
export const BinderSchema = z
  .object({
    format: z.literal(BINDER_FORMAT),
    standard: z.literal("GB/T 39550-2020"),
    /** The platform evaluated (ISSUER_NAME): the binder says whose evidence it is. */
    platform: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    generatedAt: z.iso.datetime(),
    rows: z.array(
      z.object({
        id: z.string(),
        level: z.enum(["basic", "improvement", "bonus"]),
        area: z.string(),
        item: z.string(),
        content: z.string(),
        clause: z.string(),
        criteria: z.string(),
        points: z.number(),
        basis: z.enum(["records", "activities", "outside"]),
        rule: z.string(),
        /** The points the ledger's evidence supports under `rule`. */
        score: z.number(),
        /** The most the ledger could ever support on this row. */
        supportable: z.number(),
        evidence: z.array(
          z.object({
            facet: z.string(),
            label: z.string(),
            count: z.number().int(),
            samples: z.array(Sample),
          }),
        ),
      }),
    ),
    subtotals: z.record(
      z.enum(["basic", "improvement", "bonus"]),
      z.object({ points: z.number(), score: z.number(), supportable: z.number() }),
    ),
    total: z.object({ points: z.number(), score: z.number(), supportable: z.number() }),
  })
  .meta({ id: "Gbt39550Binder" });
export type Binder = z.infer<typeof BinderSchema>;

/** Sample records shown per facet: `Facts.sampleIds(SAMPLES)` names every one a binder links. */
export const SAMPLES = 3;
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Scores every row of the evaluation table from the facts the ledger shows, with up to three
 * sample records per facet, each linked to its certificate and its public verification. Pure.
 */
export function makeBinder(
  facts: Facts,
  o: {
    from: string;
    to: string;
    now: Date;
    publicUrl: string;
    /** The platform evaluated. */
    platform: string;
    /** Where anyone verifies a sample record (its certificate lookup, once anchored). */
    verifyLink: (recordId: string) => string;
  },
  rows: readonly TableRow[] = GBT39550_ROWS,
): Binder {
  const scored = rows.map((row) => {
    const { score, evidence } = row.score(facts);
    const supportable = row.basis === "outside" ? 0 : (SUPPORTABLE_POINTS[row.id] ?? row.points);
    return {
      id: row.id,
      level: row.level,
      area: row.area,
      item: row.item,
      content: row.content,
      clause: row.clause,
      criteria: row.criteria,
      points: row.points,
      basis: row.basis,
      rule: row.rule,
      score: round(Math.min(score, supportable)),
      supportable,
      evidence: evidence.map((e) => ({
        ...e,
        samples: e.facet
          .split("|")
          .flatMap((facet) => facts.ids(facet))
          .slice(0, SAMPLES)
          .map((recordId) => ({
            recordId,
            certificate: `${o.publicUrl}/v1/records/${recordId}/certificate`,
            verify: o.verifyLink(recordId),
          })),
      })),
    };
  });
  const sum = (list: typeof scored) => ({
    points: round(list.reduce((n, r) => n + r.points, 0)),
    score: round(list.reduce((n, r) => n + r.score, 0)),
    supportable: round(list.reduce((n, r) => n + r.supportable, 0)),
  });
  return {
    format: BINDER_FORMAT,
    standard: "GB/T 39550-2020",
    platform: o.platform,
    from: o.from,
    to: o.to,
    generatedAt: o.now.toISOString(),
    rows: scored,
    subtotals: {
      basic: sum(scored.filter((r) => r.level === "basic")),
      improvement: sum(scored.filter((r) => r.level === "improvement")),
      bonus: sum(scored.filter((r) => r.level === "bonus")),
    },
    total: sum(scored),
  };
}
