/**
 * Writes the published JSON Schema of receipts from the zod schema the service validates with.
 * `npm run receipt-schema` after changing the receipt format; a test fails while they differ.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { receiptJsonSchema } from "../service/receipts/json-schema";

const file = join(__dirname, "..", "service", "receipts", "evidence-receipt-v1.schema.json");
writeFileSync(file, JSON.stringify(receiptJsonSchema(), null, 2) + "\n");
console.log(`wrote ${file}`);
