import type { Entitlement } from "../disclosure";
import { Router, type Request } from "express";
import multer from "multer";
import { pipeline } from "node:stream/promises";
import { InvalidInputError } from "../errors";
import { allowRoles } from "./auth";
import { parseMultipart } from "./multipart";
import type { UploadedFile } from "../fingerprint";
import { isKind, type RecordOf } from "../records";
import { renderCertificateHtml, type Certificate } from "../certificate";
import type { AnchoredReceipt } from "../receipts";
import { ErasureRequest, type Erased, type Notary, type RecordSubmissions } from "../notary";
import type { ApiKey } from "../keys";
import { parseRequest } from "./parse-request";
import type { Metrics } from "../observability";

export interface RecordsRouteDeps {
  notary: Notary;
  submissions: RecordSubmissions;
  /**
   * The certificate this service issues for an anchored receipt (use case `issueCertificate`),
   * as `reader` may see it (a capture's files marked personal need "all").
   */
  certificateOf: (receipt: AnchoredReceipt, reader: Entitlement) => Promise<Certificate>;
  /** The certificate as a PDF, with what only the PDF shows (a capture's first screen). */
  certificatePdf: (
    receipt: AnchoredReceipt,
    certificate: Certificate,
    reader: Entitlement,
  ) => Promise<Buffer>;
  /** For a notice: its notifier's entries on the malicious-notifier register before it. */
  notifierFlags: (notice: RecordOf<"notice">) => Promise<RecordOf<"action">[]>;
  metrics: Metrics;
  limits: { fileBytes: number; files: number; recordBytes: number };
  /** The service's public base URL, for the verification link on certificates. */
  publicUrl: () => string;
  /** Erases personal values of a record, notarising why (use case `eraseValues`). */
  erase: (id: string, request: ErasureRequest, key: ApiKey) => Promise<Erased>;
  /** The erasures notarised for a record. */
  erasuresOf: (id: string) => Promise<
    {
      recordId: string;
      at: string;
      fields: string[];
      files: { name: string; sha256: string }[];
    }[]
  >;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function recordsRouter(deps: RecordsRouteDeps): Router {
  const router = Router();
  const upload = parseMultipart(
    multer({
      storage: deps.submissions.uploadStorage,
      limits: {
        fileSize: deps.limits.fileBytes,
        files: deps.limits.files,
        fieldSize: deps.limits.recordBytes,
        fields: 4,
        parts: deps.limits.files + 4,
      },
      // File names in Chinese arrive as UTF-8; multer's default would read them as Latin-1.
      defParamCharset: "utf8",
      // Keep the name as sent so a path-like name is refused rather than silently cut to its base.
      preservePath: true,
    }).array("files", deps.limits.files),
  );
  const json = (req: Request) => {
    const type = req.headers["content-type"] ?? "";
    return /^application\/json\b/i.test(type);
  };

  // Which kinds each role may submit is the use case's (submitRecord); readers never submit.
  router.post("/records", allowRoles("platform", "rights_holder", "merchant"), (req, res, next) => {
    if (json(req)) return next();
    if (!/^multipart\/form-data\b/i.test(req.headers["content-type"] ?? "")) {
      return next(
        new InvalidInputError(
          "UNSUPPORTED_MEDIA_TYPE",
          "send multipart/form-data (a record part and files parts) or application/json",
        ),
      );
    }
    upload(req, res, next);
  });

  router.post("/records", async (req, res) => {
    const uploaded = (req.files as UploadedFile[] | undefined) ?? [];
    const outcome = await deps.submissions.submitRecord({
      // Read inside the submission: a malformed record part still has files to release.
      raw: () => (json(req) ? req.body : parseRecordPart(req.body?.record)),
      uploaded,
      key: req.apiKey!,
    });
    deps.metrics.recordsAccepted.inc({ kind: outcome.kind });
    deps.metrics.bytesHashed.inc(outcome.bytesHashed);
    // Accepted, since an empty file may be what was received; but said, since it is more often
    // a client that sent the name without the bytes.
    const empty = outcome.receipt.record.files.filter((f) => f.size === 0);
    res
      .status(201)
      .location(`/v1/records/${outcome.id}`)
      .json({
        id: outcome.id,
        receipt: outcome.receipt,
        ...(empty.length > 0 && {
          warnings: empty.map((f) => ({
            code: "FILE_EMPTY",
            file: f.name,
            message: `${f.name} is empty (0 bytes): its digest proves no content; if the evidence was meant, submit it again with its bytes`,
          })),
        }),
      });
  });

  // A person's request under PIPL art. 47, or an authority's: the platform decides, an
  // administrator may carry it out. The record's proofs still verify afterwards.
  router.post("/records/:id/erasure", allowRoles("platform", "admin"), async (req, res) => {
    const request = parseRequest(
      ErasureRequest,
      req.body,
      "ERASURE_INVALID",
      'send {"reason": "…", "legalBasis": "…", "fields"?: ["notifier.idDocument", …]}',
    );
    const erased = await deps.erase(String(req.params.id), request, req.apiKey!);
    res.status(201).json(erased);
  });

  // Every read of a record, its receipt, files or certificate checks the key may see it.
  router.use("/records/:id", async (req, _res, next) => {
    if (req.method !== "GET") return next();
    await deps.notary.assertReadable(req.params.id!, req.apiKey!);
    next();
  });

  router.get("/records/:id", async (req, res) => {
    const { record, status, batchIndex } = await deps.notary.getRecord(req.params.id, req.apiKey!);
    const typed = record;
    const flags = isKind(typed, "notice") ? await deps.notifierFlags(typed) : [];
    const erasures = await deps.erasuresOf(record.id);
    const entitled = deps.notary.entitlementOf(record, req.apiKey!) === "all";
    res.json({
      id: record.id,
      seq: record.seq,
      kind: record.kind,
      receivedAt: record.receivedAt,
      status,
      batchIndex,
      record,
      // Values erased since intake: absent from `record`, their digests still in its receipt.
      erasures,
      files: record.files.map((f) => {
        const erasedBy = erasures.find((e) => e.files.some((x) => x.sha256 === f.sha256));
        return {
          name: f.name,
          mediaType: f.mediaType,
          size: f.size,
          sha256: f.sha256,
          ...(f.personal && { personal: true }),
          ...(erasedBy
            ? { erasedBy: erasedBy.recordId }
            : f.personal && !entitled
              ? { withheld: true }
              : { url: `/v1/records/${record.id}/files/${f.sha256}` }),
        };
      }),
      ...(typed.kind === "notice" && {
        notifierFlags: flags.map((f) => ({
          recordId: f.id,
          at: f.metadata.effectiveAt,
          considerations: f.metadata.malice?.considerations.map((c) => c.consideration) ?? [],
        })),
      }),
    });
  });

  router.get("/records/:id/receipt", async (req, res) => {
    res.json(await deps.notary.getReceipt(req.params.id, req.apiKey!));
  });

  router.get("/records/:id/certificate", async (req, res) => {
    const format = req.query.format ?? "html";
    if (format !== "html" && format !== "pdf" && format !== "json")
      throw new InvalidInputError("CERTIFICATE_FORMAT_INVALID", "format is html, pdf or json");
    const receipt = await deps.notary.getReceipt(req.params.id, req.apiKey!);
    if (receipt.status !== "anchored") {
      throw new InvalidInputError(
        "CERTIFICATE_NOT_READY",
        "the record is not anchored yet; a certificate is issued once it is",
      );
    }
    const reader = deps.notary.entitlementOf(receipt.record, req.apiKey!);
    const certificate = await deps.certificateOf(receipt, reader);
    if (format === "json") {
      res.json(certificate);
    } else if (format === "pdf") {
      res
        .type("application/pdf")
        .attachment(`${certificate.number}.pdf`)
        .send(await deps.certificatePdf(receipt, certificate, reader));
    } else {
      res.type("text/html").send(await renderCertificateHtml(certificate));
    }
  });

  router.get("/records/:id/files/:sha256", async (req, res) => {
    const sha256 = req.params.sha256.toLowerCase();
    if (!SHA256_HEX.test(sha256))
      throw new InvalidInputError(
        "FILE_DIGEST_INVALID",
        "the file is named by its SHA-256, 64 hex digits",
      );
    const file = await deps.notary.openFile(req.params.id, sha256, req.apiKey!);
    // attachment() would guess a type from the name: set the notarised media type after it.
    res.attachment(file.name);
    res.setHeader("Content-Type", file.mediaType);
    res.setHeader("Content-Length", String(file.size));
    res.setHeader("ETag", `"${sha256}"`);
    // Uploaded bytes are evidence, never a page of this origin: no sniffing, no scripts.
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "sandbox; default-src 'none'");
    await pipeline(file.stream, res);
  });

  return router;
}

function parseRecordPart(part: unknown): unknown {
  if (typeof part !== "string")
    throw new InvalidInputError(
      "RECORD_MISSING",
      'a multipart upload needs a part named "record" holding the record as JSON',
    );
  try {
    return JSON.parse(part);
  } catch {
    throw new InvalidInputError("RECORD_INVALID_JSON", "the record part is not valid JSON");
  }
}
