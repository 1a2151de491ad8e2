import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { readFileSync } from "node:fs";
import { AuditReportSchema } from "../../service/audit/audit";
import { CertificateSchema } from "../../service/certificate/certificate";
import { publishedSchema } from "../../service/formats/json-schema";
import { MonthlyTally, StatisticsTally } from "../../service/reports";
import { StatisticsSchema } from "../../service/reports/statistics";
import { exampleRecord } from "../support/http-client";
import { auditNotary, startTestNotary, waitAnchored } from "../support/notary";
import { makeRecord } from "../support/records";

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as object;
const FORMATS = [
  {
    file: "service/audit/evidence-audit-v1.schema.json",
    format: "evidence-audit/v1",
    title: "Audit report",
    schema: AuditReportSchema,
  },
  {
    file: "service/reports/evidence-statistics-v1.schema.json",
    format: "evidence-statistics/v1",
    title: "Campaign statistics",
    schema: StatisticsSchema,
  },
  {
    file: "service/certificate/evidence-certificate-v1.schema.json",
    format: "evidence-certificate/v1",
    title: "Evidence certificate data",
    description:
      "What the certificate's HTML and PDF print, as data (GET …/certificate?format=json)",
    schema: CertificateSchema,
  },
];

describe("published JSON Schemas of the reports", function () {
  this.timeout(60_000);
  const validatorOf = (file: string) =>
    new Ajv2020({ strict: false, allErrors: true }).compile(read(file));

  it("are the ones generated from the zod schemas (npm run schemas)", () => {
    for (const f of FORMATS)
      expect(read(f.file), f.file).to.deep.equal(JSON.parse(JSON.stringify(publishedSchema(f))));
  });

  it("describe the statistics the service tallies, whole range and by month", () => {
    const validate = validatorOf(FORMATS[1]!.file);
    const range = { from: "2026-03-01T00:00:00.000Z", to: "2026-05-01T00:00:00.000Z" };
    const records = [
      makeRecord("notice", "2026-03-02T00:00:00.000Z"),
      makeRecord("action", "2026-04-03T00:00:00.000Z", { effectiveAt: "2026-04-03T00:00:00.000Z" }),
    ];
    for (const tally of [new StatisticsTally(range), new MonthlyTally(range)]) {
      for (const r of records) tally.add(r);
      const stats = JSON.parse(JSON.stringify(tally.result())) as object;
      expect(validate(stats), JSON.stringify(validate.errors)).to.equal(true);
    }
    expect(validate({ format: "evidence-statistics/v2" })).to.equal(false);
  });

  it("describe an audit report, clean and with discrepancies", async () => {
    const validate = validatorOf(FORMATS[0]!.file);
    const notary = await startTestNotary();
    try {
      const answer = await notary.client.postRecord(await exampleRecord("filing"));
      const id = (answer.body as { id: string }).id;
      await waitAnchored(notary.client, id);
      await notary.pipeline.stop({ flush: false });
      const audit = () => auditNotary(notary);
      const clean = JSON.parse(JSON.stringify(await audit())) as { ok: boolean };
      expect(clean.ok).to.equal(true);
      expect(validate(clean), JSON.stringify(validate.errors)).to.equal(true);
      await notary.store.db
        .updateTable("records")
        .set({ signature: `0x${"00".repeat(65)}` })
        .where("id", "=", id)
        .execute();
      const found = JSON.parse(JSON.stringify(await audit())) as { ok: boolean };
      expect(found.ok).to.equal(false);
      expect(validate(found), JSON.stringify(validate.errors)).to.equal(true);
    } finally {
      await notary.stop();
    }
  });
});
