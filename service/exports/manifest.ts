import { z } from "zod";
import { InvalidInputError } from "../errors";
import { publishedSchema } from "../formats/json-schema";

/** The format of export manifests written now; readers refuse a later major version. */
export const MANIFEST_FORMAT = "evidence-export/v1";

export const ManifestEntry = z.looseObject({
  name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

/**
 * `manifest.json` of an export archive: every entry with its SHA-256, size and row count. Its
 * own digest is what the export's ledger record notarises. Loose objects: a reader of v1
 * accepts a v1.x manifest with fields it does not know.
 */
export const ExportManifest = z
  .looseObject({
    format: z.literal(MANIFEST_FORMAT),
    createdAt: z.iso.datetime(),
    ledger: z.looseObject({ chainId: z.string(), contract: z.string(), operator: z.string() }),
    filters: z.record(z.string(), z.string()),
    entries: z.array(ManifestEntry),
  })
  .meta({ id: "ExportManifest" });
export type ExportManifest = z.infer<typeof ExportManifest>;

/** The manifest format as JSON Schema (draft 2020-12), for checkers in any language. */
export function manifestJsonSchema(): object {
  return publishedSchema({
    format: MANIFEST_FORMAT,
    title: "Export manifest",
    schema: ExportManifest,
  });
}

/**
 * Reads a manifest. A later major version is `MANIFEST_UNSUPPORTED_FORMAT`: this reader cannot
 * judge it, which is not the same as finding it altered (`MANIFEST_MALFORMED`).
 */
export function parseManifest(json: unknown): ExportManifest {
  const format = (json as { format?: unknown } | null)?.format;
  const major = typeof format === "string" ? /^evidence-export\/v(\d+)(\.|$)/.exec(format) : null;
  if (major && Number(major[1]) > 1)
    throw new InvalidInputError(
      "MANIFEST_UNSUPPORTED_FORMAT",
      `manifest format ${format} is a later version than this reader knows (${MANIFEST_FORMAT})`,
    );
  const parsed = ExportManifest.safeParse(json);
  if (!parsed.success)
    throw new InvalidInputError(
      "MANIFEST_MALFORMED",
      `manifest.json is not an export manifest: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data;
}
