import { z } from "zod";

/**
 * A versioned format as a published JSON Schema (draft 2020-12), generated from the zod schema
 * the service validates or writes with, so the two cannot drift: a test compares the file in
 * the repository with this (`npm run schemas` rewrites them).
 */
export function publishedSchema(options: {
  format: string;
  title: string;
  description?: string;
  schema: z.ZodType;
}): object {
  return {
    $id: `https://evidence-notary.invalid/schemas/${options.format}.schema.json`,
    title: `${options.title}, format ${options.format}`,
    ...(options.description ? { description: options.description } : {}),
    ...z.toJSONSchema(options.schema, { target: "draft-2020-12", io: "input" }),
  };
}

/** Where a format's schema is published: `evidence-receipt/v2` → `evidence-receipt-v2.schema.json`. */
export const schemaFileName = (format: string): string => `${format.replace("/", "-")}.schema.json`;
