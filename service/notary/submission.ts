import type { StorageEngine } from "multer";
import { InvalidInputError } from "../errors";
import { HashingStorage, type UploadedFile } from "../fingerprint";
import { checkFileName, parseRecordInput, type FileDigest, type RecordKind } from "../records";
import type { Receipt } from "../receipts";
import type { FileStore, RecordIndex } from "../storage";
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
    submitter: { keyId: string; name: string };
  }): Promise<SubmissionOutcome>;
}

export function makeRecordSubmissions(deps: {
  notary: Notary;
  files: FileStore;
  records: Pick<RecordIndex, "isFileReferenced">;
}): RecordSubmissions {
  const isReferenced = (sha256: string) => deps.records.isFileReferenced(sha256);
  return {
    uploadStorage: new HashingStorage(deps.files, isReferenced),
    async submitRecord({ raw, uploaded, submitter }) {
      let accepted = false;
      try {
        const record = raw();
        const files = describeFiles(uploaded);
        const input = parseRecordInput(
          record,
          files.map((f) => f.name),
        );
        const { id, receipt } = await deps.notary.submit({ input, files, submitter });
        accepted = true;
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
