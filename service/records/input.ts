import { z } from "zod";
import { InvalidInputError } from "../errors";
import { METADATA_SCHEMAS, RECORD_KINDS, type ClientKind, type RecordKind } from "./kinds";
import { Link } from "./links";
import type { MetadataOf } from "./typed";

/** What a client sends: the `record` part of a multipart upload, or the JSON body. */
export const RecordInput = z.strictObject({
  kind: z.string(),
  metadata: z.unknown(),
  links: z.array(Link).max(100).default([]),
  /**
   * Attached files that hold personal data (a screenshot showing a person's address), besides
   * those the kind's schema marks (identity proofs): erasable like personal values.
   */
  personalFiles: z.array(z.string()).max(100).default([]),
});

/** A record as accepted: its metadata typed by its kind (narrow on `kind`). */
export type ValidRecordInput = {
  [K in RecordKind]: { kind: K; metadata: MetadataOf<K>; links: Link[] };
}[RecordKind];

export interface Issue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError, prefix = ""): Issue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/**
 * Validates a record as sent, against the schema of its kind and the names of the files that
 * came with it. Throws InvalidInputError with a stable code naming what is wrong.
 */
export function parseRecordInput(raw: unknown, fileNames: readonly string[]): ValidRecordInput {
  return parseSubmittedRecord(raw, fileNames).input;
}

/**
 * As `parseRecordInput`, and which attached files hold personal data: those the client marks
 * and those the kind's schema marks.
 */
export function parseSubmittedRecord(
  raw: unknown,
  fileNames: readonly string[],
): { input: ValidRecordInput; personalFiles: string[] } {
  const shape = RecordInput.safeParse(raw);
  if (!shape.success) {
    throw new InvalidInputError(
      "RECORD_INVALID",
      "the record must be an object with kind, metadata and optional links",
      {
        details: { issues: issuesOf(shape.error) },
      },
    );
  }
  const { kind, metadata, links, personalFiles } = shape.data;
  if (!isKind(kind)) {
    throw new InvalidInputError(
      "RECORD_UNKNOWN_KIND",
      `unknown record kind "${kind}"; expected one of ${RECORD_KINDS.join(", ")}`,
      {
        details: { kind, kinds: RECORD_KINDS },
      },
    );
  }
  const parsed = METADATA_SCHEMAS[kind].safeParse(metadata);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error, "metadata");
    throw new InvalidInputError(
      "RECORD_INVALID_METADATA",
      `invalid ${kind} metadata: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      {
        details: { kind, issues },
      },
    );
  }
  const valid = { kind, metadata: parsed.data, links } as ValidRecordInput;
  const missing = [...referencedFileNames(valid), ...personalFiles].filter(
    (name) => !fileNames.includes(name),
  );
  if (missing.length > 0) {
    throw new InvalidInputError(
      "RECORD_FILE_NOT_ATTACHED",
      `the record names files that were not attached: ${missing.join(", ")}`,
      {
        details: { missing },
      },
    );
  }
  return {
    input: valid,
    personalFiles: [...new Set([...personalFiles, ...personalFileNames(valid)])],
  };
}

/** Files the kind's schema marks personal: a filing's proofs of identity (licence, ID card). */
export function personalFileNames(record: ValidRecordInput): string[] {
  return record.kind === "filing" ? (record.metadata.identityProofFiles ?? []) : [];
}

function isKind(kind: string): kind is ClientKind {
  return (RECORD_KINDS as string[]).includes(kind);
}

/** File names a record's metadata refers to, which must be among its attached files. */
export function referencedFileNames(record: Pick<ValidRecordInput, "kind" | "metadata">): string[] {
  const named = (...names: (string | undefined)[]) =>
    names.filter((n): n is string => typeof n === "string");
  const r = record as ValidRecordInput;
  switch (r.kind) {
    case "notice": {
      const right = r.metadata.right;
      return named(
        ...(right?.proofFiles ?? []),
        right?.type === "patent" ? right.evaluationReportFile : undefined,
        right?.type === "trademark" ? right.markImageFile : undefined,
        r.metadata.agent?.powerOfAttorneyFile,
      );
    }
    case "filing":
      return named(
        ...(r.metadata.identityProofFiles ?? []),
        ...(r.metadata.goodsIp ?? []).flatMap((g) => g.shown.flatMap((s) => s.proofFiles ?? [])),
      );
    case "action":
      return named(...(r.metadata.malice?.proofFiles ?? []), r.metadata.selfCriticismFile);
    case "penalty_decision":
      return named(r.metadata.decisionFile);
    case "activity":
    case "mediation":
    case "campaign":
      return named(...(r.metadata.documentFiles ?? []));
    case "counter_notice":
    case "evidence":
    case "commitment":
    case "report":
    case "contact_directory":
    case "export":
    case "erasure":
      return [];
  }
}

/**
 * A file name as given by a client must be a plain name: never a path, never a control
 * character. It is notarised as sent, and used in downloads' Content-Disposition.
 *
 * WARNING: bidirectional controls (U+202E "right-to-left override" and its kin) make
 * `invoice\u202Eexe.pdf` display as `invoicefdp.exe`: a name that lies about its type to the
 * person who downloads it (CVE-2021-42574 class). They are refused like C0 and C1 controls.
 */
export function checkFileName(name: string): void {
  const problem =
    name.length === 0 || name.length > 255
      ? "must be 1 to 255 characters"
      : /[/\\]/.test(name) || name === "." || name === ".."
        ? "must not be a path"
        : // eslint-disable-next-line no-control-regex
          /[\u0000-\u001f\u007f-\u009f]/.test(name)
          ? "must not contain control characters"
          : /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)
            ? "must not contain bidirectional text controls"
            : undefined;
  if (problem) {
    throw new InvalidInputError(
      "FILE_NAME_INVALID",
      `file name ${JSON.stringify(name)} ${problem}`,
      { details: { name } },
    );
  }
}
