import type { StorageEngine } from "multer";
import { ForbiddenError, InvalidInputError } from "../errors";
import { HashingStorage, type UploadedFile } from "../fingerprint";
import type { ApiKey } from "../keys";
import {
  checkDeclarationElements,
  checkFileName,
  checkNoticeElements,
  missingElements,
  type TypedRecord,
  isKind,
  readStoredRecord,
  parseSubmittedRecord,
  RECORD_KINDS,
  statedDate,
  STATED_TIME_TOLERANCE_MS,
  type FileDigest,
  type RecordKind,
  type RecordOf,
  type ValidRecordInput,
} from "../records";
import type { Receipt } from "../receipts";
import type { ContentStore, RecordIndex } from "../storage";
import type { Notary } from "./notary";

export interface SubmissionOutcome {
  id: string;
  receipt: Receipt;
  kind: RecordKind;
  bytesHashed: number;
}

/**
 * Submitting a record with its files, and the file-release protocol that goes with it: an
 * upload is hashed into the content store as it streams; once the submission is decided, each
 * file it brought is released, and a file is discarded only when the submission was refused,
 * this upload created it, and no accepted record references it (a concurrent submission of the
 * same bytes may have been accepted meanwhile).
 */
export interface RecordSubmissions {
  /** Where multipart uploads are written while they stream in. */
  uploadStorage: StorageEngine;
  submitRecord(request: {
    /** The record as sent; read once the files are known, so its refusal releases them. */
    raw: () => unknown;
    uploaded: readonly UploadedFile[];
    key: ApiKey;
    /** The service's own capture (`service_capture`); never set for a request from outside. */
    origin?: "service_capture";
  }): Promise<SubmissionOutcome>;
}

/**
 * Who may submit what in their own name: platforms record everything; a rights holder its
 * notices (as notifier or agent) and evidence; a merchant evidence and declarations answering a
 * notice that names one of its shops. Actions are the platform's alone.
 */
const SUBMITS: Record<ApiKey["role"], readonly RecordKind[]> = {
  platform: RECORD_KINDS,
  rights_holder: ["notice", "evidence"],
  merchant: ["counter_notice", "evidence"],
  regulator: [],
  admin: [],
};

async function authorise(
  input: ValidRecordInput,
  key: ApiKey,
  noticeOf: (id: string) => Promise<RecordOf<"notice"> | undefined>,
  mayRead: (id: string) => Promise<boolean>,
): Promise<void> {
  if (!SUBMITS[key.role].includes(input.kind))
    throw new ForbiddenError(
      "SUBMISSION_FORBIDDEN",
      `a ${key.role} key may submit ${SUBMITS[key.role].join(" and ") || "no records"}, not a ${input.kind}`,
      { details: { role: key.role, kind: input.kind } },
    );
  if (key.role === "rights_holder" && input.kind === "notice") {
    const own = [
      input.metadata.notifier.idDocument?.number,
      input.metadata.agent?.idDocument.number,
    ];
    if (!own.some((n) => n !== undefined && key.parties.includes(n)))
      throw new ForbiddenError(
        "SUBMISSION_NOT_OWN",
        "a rights holder's key submits notices in its own name: the notifier's or agent's identity document must be one of the key's parties",
      );
  }
  // WARNING: a link opens the linked record to whoever may read the linking one (a party reads
  // the evidence its case links). A party's key links only what it may already read, or it
  // could read anything by linking it; and the refusal is the same whether the record is
  // unreadable or missing, and names no kind, so it tells nothing about other parties' records.
  if (key.role !== "platform")
    for (const link of input.links)
      if (!(await mayRead(link.id)))
        throw new InvalidInputError(
          "LINK_UNKNOWN_RECORD",
          `linked record ${link.id} does not exist, or this key may not read it`,
          { details: { link } },
        );
  if (key.role === "merchant" && input.kind === "counter_notice") {
    const answered = input.links.find((l) => l.rel === "answers");
    const notice = answered && (await noticeOf(answered.id));
    const shops = (notice?.metadata.targets ?? []).map((t) => `shop:${t.shopId}`);
    // An unknown notice is left to the link check (422); a stranger's is refused here.
    if (notice && !shops.some((s) => key.parties.includes(s)))
      throw new ForbiddenError(
        "SUBMISSION_NOT_OWN",
        "a merchant's key answers only notices that name one of its shops",
      );
  }
}

export function makeRecordSubmissions(deps: {
  notary: Notary;
  files: ContentStore;
  records: Pick<RecordIndex, "isFileReferenced" | "getRecordRow">;
  /** Told of each accepted record once it is durable (webhooks); never awaited. */
  onAccepted?: (record: Receipt["record"]) => void;
}): RecordSubmissions {
  const recordOf = async (id: string) => {
    const row = await deps.records.getRecordRow(id);
    return row && readStoredRecord(row);
  };
  const noticeOf = async (id: string) => {
    const record = await recordOf(id);
    return record && isKind(record, "notice") ? record : undefined;
  };
  const isReferenced = (sha256: string) => deps.records.isFileReferenced(sha256);
  return {
    uploadStorage: new HashingStorage(deps.files, isReferenced),
    async submitRecord({ raw, uploaded, key, origin }) {
      let accepted = false;
      try {
        const record = raw();
        const uploadedFiles = describeFiles(uploaded);
        const { input, personalFiles } = parseSubmittedRecord(
          record,
          uploadedFiles.map((f) => f.name),
        );
        const files = uploadedFiles.map((f) =>
          personalFiles.includes(f.name) ? { ...f, personal: true as const } : f,
        );
        refuseFutureDates(input, Date.now());
        // A court reads `service_capture` as "the service itself obtained the page": a caller
        // claiming it for a capture of its own would borrow that credibility.
        if (
          input.kind === "evidence" &&
          input.metadata.collection.method === "service_capture" &&
          origin !== "service_capture"
        )
          throw new InvalidInputError(
            "COLLECTION_METHOD_RESERVED",
            'collection.method "service_capture" is written by the service\'s own captures (POST /v1/captures); a capture made elsewhere is "web_capture"',
          );
        await refuseReturnOfWhatIsThere(input, recordOf);
        await refusePublicationOfIncomplete(input, recordOf);
        await authorise(input, key, noticeOf, (id) =>
          deps.notary.assertReadable(id, key).then(
            () => true,
            (error: unknown) => {
              if (error instanceof InvalidInputError) return false;
              throw error;
            },
          ),
        );
        const { id, receipt } = await deps.notary.submit({
          input,
          files,
          submitter: { keyId: key.id, name: key.name },
        });
        accepted = true;
        deps.onAccepted?.(receipt.record);
        return {
          id,
          receipt,
          kind: input.kind,
          bytesHashed: files.reduce((n, f) => n + f.size, 0),
        };
      } finally {
        await Promise.all(
          uploaded.map((f) =>
            deps.files.release(f.sha256, {
              discard: !accepted && f.created,
              isReferenced: () => isReferenced(f.sha256),
            }),
          ),
        );
      }
    },
  };
}

/** The elements a notice or declaration lacks (its own element check); other kinds: undefined. */
function lackingElements(typed: TypedRecord | undefined): string[] | undefined {
  if (typed && isKind(typed, "notice")) return missingElements(checkNoticeElements(typed));
  if (typed && isKind(typed, "counter_notice"))
    return missingElements(checkDeclarationElements(typed));
  return undefined;
}

/**
 * A return for supplement must agree with the record's own element check (GB/T 39550 4.3.2.2):
 * an element it names as missing must be missing, so a complete notice or declaration cannot
 * be returned, and a return cannot cite what the record holds.
 */
async function refuseReturnOfWhatIsThere(
  input: ValidRecordInput,
  recordOf: (id: string) => Promise<TypedRecord | undefined>,
): Promise<void> {
  if (input.kind !== "action" || input.metadata.review?.outcome !== "returned_for_supplement")
    return;
  const named = (input.metadata.review.missing ?? []).map((m) => m.element);
  for (const link of input.links.filter((l) => l.rel === "concerns")) {
    const typed = await recordOf(link.id);
    const lacking = lackingElements(typed);
    if (lacking === undefined) continue;
    const present = named.filter((element) => !lacking.includes(element));
    if (lacking.length === 0 || present.length > 0)
      throw new InvalidInputError(
        "REVIEW_CONTRADICTS_ELEMENTS",
        lacking.length === 0
          ? `record ${link.id} holds every element: a complete ${typed!.kind} is not returned for supplement`
          : `record ${link.id} holds ${present.join(", ")}: a return names only what is missing (${lacking.join(", ")})`,
        { details: { recordId: link.id, missing: lacking, named } },
      );
  }
}

/**
 * Art. 44 has the platform publish notices and declarations; one lacking an element of art. 42
 * or 43 is not yet one (it is returned for supplement), and published as one it would tell the
 * public a merchant was validly accused.
 */
async function refusePublicationOfIncomplete(
  input: ValidRecordInput,
  recordOf: (id: string) => Promise<TypedRecord | undefined>,
): Promise<void> {
  if (
    input.kind !== "action" ||
    (input.metadata.type !== "publish_notice" && input.metadata.type !== "publish_declaration")
  )
    return;
  for (const link of input.links.filter((l) => l.rel === "concerns")) {
    const lacking = lackingElements(await recordOf(link.id));
    if (lacking && lacking.length > 0)
      throw new InvalidInputError(
        "PUBLICATION_INCOMPLETE",
        `record ${link.id} lacks ${lacking.join(", ")}: an incomplete notice or declaration is returned for supplement, not published as one`,
        { details: { recordId: link.id, missing: lacking } },
      );
  }
}

/**
 * A measure cannot have taken effect, evidence been captured, a training held or a penalty
 * decided after it was recorded: such a date would count as done what is not done yet (a
 * restoration dated next month shown as done, and against the rights holder's credit; a
 * planned training in a period's binder).
 */
function refuseFutureDates(input: ValidRecordInput, now: number): void {
  const stated = statedDate(input);
  if (stated && Date.parse(stated.at) > now + STATED_TIME_TOLERANCE_MS)
    throw new InvalidInputError(
      "RECORD_DATE_IN_FUTURE",
      `${stated.field} ${stated.at} is later than now: a record states what has happened`,
      { details: { field: stated.field, at: stated.at } },
    );
}

function describeFiles(uploaded: readonly UploadedFile[]): FileDigest[] {
  const names = new Set<string>();
  return uploaded.map((file) => {
    checkFileName(file.originalname);
    if (names.has(file.originalname)) {
      throw new InvalidInputError(
        "FILE_NAME_DUPLICATE",
        `two files are named ${JSON.stringify(file.originalname)}; names identify files within a record`,
      );
    }
    names.add(file.originalname);
    return {
      name: file.originalname,
      mediaType: (file.mimetype || "application/octet-stream").toLowerCase(),
      size: file.size,
      sha256: file.sha256,
    };
  });
}
