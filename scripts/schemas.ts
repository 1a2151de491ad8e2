/**
 * Writes the published JSON Schemas of every versioned format (receipts, export manifests,
 * audit reports, statistics) from the zod schemas the service validates or writes with.
 * `npm run schemas` after changing a format; a test fails while they differ.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuditReportSchema } from "../service/audit/audit";
import { CertificateSchema } from "../service/certificate/certificate";
import { manifestJsonSchema } from "../service/exports/manifest";
import { publishedSchema, schemaFileName } from "../service/formats/json-schema";
import { RECEIPT_FORMATS } from "../service/receipts";
import { receiptJsonSchema } from "../service/receipts/json-schema";
import { StatisticsSchema } from "../service/reports/statistics";

const SERVICE = join(__dirname, "..", "service");
const write = (folder: string, format: string, schema: object) => {
  const file = join(SERVICE, folder, schemaFileName(format));
  writeFileSync(file, JSON.stringify(schema, null, 2) + "\n");
  console.log(`wrote ${file}`);
};

for (const format of RECEIPT_FORMATS) write("receipts", format, receiptJsonSchema(format));
write("exports", "evidence-export/v1", manifestJsonSchema());
write(
  "audit",
  "evidence-audit/v1",
  publishedSchema({
    format: "evidence-audit/v1",
    title: "Audit report",
    schema: AuditReportSchema,
  }),
);
write(
  "reports",
  "evidence-statistics/v1",
  publishedSchema({
    format: "evidence-statistics/v1",
    title: "Campaign statistics",
    schema: StatisticsSchema,
  }),
);
write(
  "certificate",
  "evidence-certificate/v1",
  publishedSchema({
    format: "evidence-certificate/v1",
    title: "Evidence certificate data",
    description:
      "What the certificate's HTML and PDF print, as data (GET …/certificate?format=json)",
    schema: CertificateSchema,
  }),
);
