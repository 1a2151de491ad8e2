/**
 * Writes the published JSON Schemas of receipts from the zod schemas the service validates
 * with. `npm run receipt-schema` after changing a receipt format; a test fails while they differ.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RECEIPT_FORMATS } from "../service/receipts";
import { receiptJsonSchema, receiptSchemaFile } from "../service/receipts/json-schema";

for (const format of RECEIPT_FORMATS) {
  const file = join(__dirname, "..", "service", "receipts", receiptSchemaFile(format));
  writeFileSync(file, JSON.stringify(receiptJsonSchema(format), null, 2) + "\n");
  console.log(`wrote ${file}`);
}
