import { Router } from "express";
import { z } from "zod";
import { InvalidInputError } from "../errors";
import { issuesOf } from "../records";
import { statisticsCsv, type Statistics } from "../reports";
import { allowRoles } from "./auth";

export const StatisticsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  format: z.enum(["json", "csv"]).default("json"),
  by: z
    .enum(["month"])
    .optional()
    .meta({ description: "Also break the range down by month (UTC+8)" }),
});

/** `GET /v1/reports/statistics?from&to[&format=csv][&by=month]`: campaign statistics for regulators. */
export function reportRouter(
  tally: (range: { from: string; to: string; byMonth: boolean }) => Promise<Statistics>,
): Router {
  const router = Router();
  router.get("/reports/statistics", allowRoles("regulator", "platform"), async (req, res) => {
    const parsed = StatisticsQuery.safeParse(req.query);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      throw new InvalidInputError(
        "REPORT_INVALID",
        `${issues.map((i) => `${i.path || "query"}: ${i.message}`).join("; ")} (from and to are ISO-8601 times, format is json or csv)`,
        { details: { issues } },
      );
    }
    const from = new Date(parsed.data.from).toISOString();
    const to = new Date(parsed.data.to).toISOString();
    if (from >= to)
      throw new InvalidInputError(
        "REPORT_REVERSED_RANGE",
        `from (${parsed.data.from}) must be before to (${parsed.data.to})`,
      );

    const stats = await tally({ from, to, byMonth: parsed.data.by === "month" });
    if (parsed.data.format === "csv")
      res
        .type("text/csv; charset=utf-8")
        .attachment(`statistics-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`)
        .send(statisticsCsv(stats));
    else res.json(stats);
  });
  return router;
}
