/**
 * Writes the published JSON Schemas of receipts and export manifests from the zod schemas the
 * service validates with. `npm run receipt-schema` after changing a format; a test fails while
 * they differ.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RECEIPT_FORMATS } from "../service/receipts";
import { receiptJsonSchema, receiptSchemaFile } from "../service/receipts/json-schema";
import { manifestJsonSchema } from "../service/exports/manifest";

for (const format of RECEIPT_FORMATS) {
  const file = join(__dirname, "..", "service", "receipts", receiptSchemaFile(format));
  writeFileSync(file, JSON.stringify(receiptJsonSchema(format), null, 2) + "\n");
  console.log(`wrote ${file}`);
}

const manifestFile = join(__dirname, "..", "service", "exports", "evidence-export-v1.schema.json");
writeFileSync(manifestFile, JSON.stringify(manifestJsonSchema(), null, 2) + "\n");
console.log(`wrote ${manifestFile}`);
