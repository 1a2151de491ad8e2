import { toPem } from "../witnesses";
import express, { Router } from "express";
import multer from "multer";
import { parseMultipart } from "./multipart";
import { InvalidInputError } from "../errors";
import { rpcCors, rpcHandlers, type Eip1193, type PublicRpcOptions } from "../chain";
import { DigestOnlyStorage, type UploadedFile } from "../fingerprint";
import { verifyReceipt, type ChainReader } from "../verify";
import { certificatesFromPemOrDer, isCertificate } from "../witnesses";

export interface VerifyRouteDeps {
  chain: ChainReader;
  /** The ledger's chain as EIP-1193, for the read-only RPC proxy. */
  rpc: Eip1193;
  /** The proxy's guard and rate per address. */
  publicRpc: PublicRpcOptions;
  limits: { fileBytes: number; files: number; recordBytes: number };
  /** TSA root certificates (DER) the operator configured; the caller may add its own. */
  tsaTrustAnchors: readonly Uint8Array[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** TSA root certificates the caller trusts, as PEM text (a form field or a JSON string). */
function callerTsaRoots(pem: unknown): Uint8Array[] {
  if (pem === undefined || pem === "") return [];
  if (typeof pem !== "string" || !pem.includes("-----BEGIN CERTIFICATE-----"))
    throw new InvalidInputError(
      "TSA_CA_INVALID",
      "tsaCa holds the TSA root certificates as PEM text (-----BEGIN CERTIFICATE-----)",
    );
  // A root that cannot be read must be refused, not dropped: the caller would take a verdict
  // "valid" to include a check against roots that were never used.
  let roots: Uint8Array[] = [];
  try {
    roots = certificatesFromPemOrDer(new TextEncoder().encode(pem));
  } catch {
    roots = [];
  }
  if (roots.length === 0 || !roots.every(isCertificate))
    throw new InvalidInputError(
      "TSA_CA_INVALID",
      "tsaCa holds a block that is not a readable X.509 certificate",
    );
  return roots;
}

/**
 * Public endpoints for people without the CLI: `POST /v1/verify` runs the same verifier on a
 * receipt and files (hashed, never stored), and `POST /v1/rpc` proxies read-only JSON-RPC to the
 * ledger's chain for the verification page.
 */
export function verifyRouter(deps: VerifyRouteDeps): Router {
  const router = Router();
  const upload = parseMultipart(
    multer({
      storage: new DigestOnlyStorage(),
      limits: {
        fileSize: deps.limits.fileBytes,
        files: deps.limits.files,
        fieldSize: deps.limits.recordBytes,
        fields: 8,
      },
      defParamCharset: "utf8",
    }).array("files", deps.limits.files),
  );
  const json = express.json({ limit: deps.limits.recordBytes });

  router.post("/verify", (req, res, next) => {
    if (/^multipart\/form-data\b/i.test(req.headers["content-type"] ?? ""))
      return upload(req, res, next);
    if (/^application\/json\b/i.test(req.headers["content-type"] ?? ""))
      return json(req, res, next);
    next(
      new InvalidInputError(
        "UNSUPPORTED_MEDIA_TYPE",
        "send the receipt as JSON ({receipt, fileDigests}) or multipart (receipt part, files parts)",
      ),
    );
  });
  router.post("/verify", async (req, res) => {
    const uploaded = (req.files as UploadedFile[] | undefined) ?? [];
    let receipt: unknown;
    let fileDigests: string[];
    if (uploaded.length > 0 || typeof req.body?.receipt === "string") {
      try {
        receipt = JSON.parse(String(req.body?.receipt ?? ""));
      } catch {
        receipt = { malformed: "the receipt part is not valid JSON" };
      }
      fileDigests = uploaded.map((f) => f.sha256);
    } else {
      receipt = req.body?.receipt;
      const digests: unknown = req.body?.fileDigests ?? [];
      if (
        !Array.isArray(digests) ||
        !digests.every((d) => typeof d === "string" && SHA256_HEX.test(d.toLowerCase()))
      ) {
        throw new InvalidInputError(
          "FILE_DIGEST_INVALID",
          "fileDigests is a list of SHA-256 digests, 64 hex digits each",
        );
      }
      fileDigests = digests.map((d: string) => d.toLowerCase());
    }
    const minConfirmations = Number(req.query.minConfirmations ?? 1);
    const result = await verifyReceipt({
      receipt,
      fileDigests,
      chain: deps.chain,
      minConfirmations: Number.isInteger(minConfirmations) ? minConfirmations : 1,
      tsaTrustAnchors: [...deps.tsaTrustAnchors, ...callerTsaRoots(req.body?.tsaCa)],
    });
    res.json({
      verdict: result.verdict,
      steps: result.steps,
      witnesses: result.witnesses ?? [],
      proves: result.proves ?? null,
    });
  });

  // The TSA roots this service checks tokens against, for pages and tools that want the same.
  const rootsPem = deps.tsaTrustAnchors.map(toPem).join("");
  router.get("/tsa-roots", (_req, res) => {
    res.type("application/x-pem-file").send(rootsPem);
  });

  // The same guarded face as the embedded chain's own port (see chain/rpc-guard.ts).
  router.use("/rpc", rpcCors);
  router.post("/rpc", ...rpcHandlers(deps.rpc, { publicFace: deps.publicRpc }));
  return router;
}
