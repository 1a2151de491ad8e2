import { Router } from "express";
import { z } from "zod";
import { InvalidInputError } from "../errors";
import { issuesOf, parseCanonicalRecord, type TypedRecord } from "../records";
import { linkedRecords } from "../notary";
import { MonthlyTally, StatisticsTally, statisticsCsv } from "../reports";
import type { LedgerStore } from "../storage";
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

const PAGE = 1_000;

/** `GET /v1/reports/statistics?from&to[&format=csv][&by=month]`: campaign statistics for regulators. */
export function reportRouter(store: LedgerStore): Router {
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

    // A page at a time, each page's notices with the actions concerning them: a campaign of
    // any size is reported without holding its records.
    const tally =
      parsed.data.by === "month"
        ? new MonthlyTally({ from, to })
        : new StatisticsTally({ from, to });
    for (let cursor = -1; ;) {
      const page = await store.search({ from, to, afterSeq: cursor, limit: PAGE });
      const records = page.map((r) => parseCanonicalRecord(r.canonical));
      const notices = records.filter((r) => r.kind === "notice").map((r) => r.id);
      const actions = new Map<string, TypedRecord[]>();
      for (const { target, record } of await linkedRecords(store, notices, "concerns")) {
        const list = actions.get(target) ?? [];
        list.push(record);
        actions.set(target, list);
      }
      for (const record of records) tally.add(record, actions.get(record.id));
      if (page.length < PAGE) break;
      cursor = page[page.length - 1]!.seq;
    }
    const stats = tally.result();
    if (parsed.data.format === "csv")
      res
        .type("text/csv; charset=utf-8")
        .attachment(`statistics-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`)
        .send(statisticsCsv(stats));
    else res.json(stats);
  });
  return router;
}
