import type { z } from "zod";
import { InvalidInputError, type ErrorCode } from "../errors";
import { issuesOf } from "../records";

/**
 * A query or body checked against its schema: the parsed value, or `code` (400) naming every
 * issue by its path, with `hint` (what a valid request looks like) after them.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode,
  hint?: string,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error);
  const listed = issues.map((i) => `${i.path || "request"}: ${i.message}`).join("; ");
  throw new InvalidInputError(code, hint ? `${listed} (${hint})` : listed, { details: { issues } });
}
