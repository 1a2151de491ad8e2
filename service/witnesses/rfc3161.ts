import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

/**
 * RFC 3161 time-stamp tokens over batch roots, read and checked with pkijs (CMS, X.509 paths)
 * and asn1js (DER): no hand-written ASN.1. Pure apart from WebCrypto, so the same code runs in
 * Node (verifier, CLI, service) and in the browser page.
 *
 * The message imprint is the batch root itself, declared as a SHA-256 hash: the root is the
 * SHA-256 of the tree's top node (RFC 9162), so a TSA is asked to time exactly the value the
 * chain anchor holds, and a verifier compares 32 bytes with 32 bytes.
 */

const SHA256 = "2.16.840.1.101.3.4.2.1";
const ID_KP_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
const ID_CE_EXT_KEY_USAGE = "2.5.29.37";
const ID_DATA = "1.2.840.113549.1.7.1";
const ID_CONTENT_TYPE_ATTRIBUTE = "1.2.840.113549.1.9.3";

export type TimestampCode =
  | "TSA_TOKEN_MALFORMED"
  | "TSA_REQUEST_REFUSED"
  | "TSA_NONCE_MISMATCH"
  | "TSA_IMPRINT_MISMATCH"
  | "TSA_SIGNATURE_INVALID"
  | "TSA_NOT_TIMESTAMPING_CERT"
  | "TSA_UNTRUSTED"
  | "TSA_TIME_MISMATCH";

export class TimestampError extends Error {
  constructor(
    readonly code: TimestampCode,
    message: string,
  ) {
    super(message);
    this.name = "TimestampError";
  }
}

/** A TimeStampReq (DER) for a root, asking for the TSA's certificate in the token. */
export function timestampRequest(root: Uint8Array, nonce: Uint8Array): Uint8Array {
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: copy(root) }),
    }),
    nonce: new asn1js.Integer({ valueHex: copy(positive(nonce)) }),
    certReq: true,
  });
  return new Uint8Array(request.toSchema().toBER(false));
}

/**
 * The token out of a TSA's TimeStampResp, refused unless it was granted and answers this
 * request (same root, same nonce). The token (a CMS ContentInfo, DER) is what receipts carry.
 */
export function tokenFromResponse(
  response: Uint8Array,
  root: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  let parsed: pkijs.TimeStampResp;
  try {
    parsed = pkijs.TimeStampResp.fromBER(copy(response));
  } catch (error) {
    throw new TimestampError("TSA_TOKEN_MALFORMED", `not a TimeStampResp: ${messageOf(error)}`);
  }
  const status = parsed.status.status;
  if (status !== 0 && status !== 1) {
    const text = parsed.status.statusStrings?.map((s) => s.valueBlock.value).join("; ");
    throw new TimestampError(
      "TSA_REQUEST_REFUSED",
      `the TSA refused the request (PKIStatus ${status}${text ? `: ${text}` : ""})`,
    );
  }
  if (!parsed.timeStampToken)
    throw new TimestampError(
      "TSA_TOKEN_MALFORMED",
      "the TSA granted the request but sent no token",
    );
  const token = new Uint8Array(parsed.timeStampToken.toSchema().toBER(false));
  const info = readToken(token).info;
  const sentNonce = bytesOf(new asn1js.Integer({ valueHex: copy(positive(nonce)) }));
  if (!info.nonce || !equal(bytesOf(info.nonce), sentNonce))
    throw new TimestampError("TSA_NONCE_MISMATCH", "the token does not carry this request's nonce");
  checkImprint(info, root);
  return token;
}

export interface TokenFacts {
  /** The time the TSA attests, ISO 8601. */
  genTime: string;
  /** The TSA's name as the token states it, else its certificate's subject. */
  tsa: string;
  serialNumber: string;
  policy: string;
}

/** What a token says, without judging it: for display, and for indexing what was stored. */
export function describeToken(token: Uint8Array): TokenFacts {
  const { info, signed } = readToken(token);
  return factsOf(info, signerCertificate(signed));
}

function factsOf(info: pkijs.TSTInfo, signer: pkijs.Certificate | undefined): TokenFacts {
  return {
    genTime: info.genTime.toISOString(),
    tsa: tsaName(info, signer),
    serialNumber: hex(bytesOf(info.serialNumber)),
    policy: info.policy,
  };
}

/**
 * Checks a token over a root, offline: the imprint = the root, the CMS signature over the
 * TSTInfo, the signer certificate's time-stamping purpose (RFC 3161 §2.3), and the signer's
 * certificate chain up to one of `trustAnchors` (DER X.509) as of the attested time.
 * Throws a TimestampError naming what failed; returns what the token attests.
 */
export async function verifyToken(
  token: Uint8Array,
  root: Uint8Array,
  trustAnchors: readonly Uint8Array[],
): Promise<TokenFacts> {
  const { info, signed, facts } = await checkTokenIntegrity(token, root);
  const anchors = trustAnchors.map((der) => pkijs.Certificate.fromBER(copy(der)));
  const chain = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    certs: [...certificatesOf(signed)],
    checkDate: info.genTime,
  });
  const path = await chain.verify().catch((error: unknown) => ({
    result: false,
    resultMessage: messageOf(error),
  }));
  if (!path.result)
    throw new TimestampError(
      "TSA_UNTRUSTED",
      `the TSA's certificate does not lead to a trusted root: ${path.resultMessage}`,
    );
  return facts;
}

/**
 * Everything `verifyToken` checks but the trust in the TSA: what can be said without trust
 * anchors (the token is intact and times this root, whoever signed it).
 */
export async function checkTokenIntegrity(
  token: Uint8Array,
  root: Uint8Array,
): Promise<{ info: pkijs.TSTInfo; signed: pkijs.SignedData; facts: TokenFacts }> {
  const { info, signed } = readToken(token);
  checkImprint(info, root);
  const signer = signerCertificate(signed);
  if (!signer)
    throw new TimestampError(
      "TSA_TOKEN_MALFORMED",
      "the token does not carry the TSA's certificate (it must be requested with certReq)",
    );
  let signatureOk: boolean;
  try {
    signatureOk = (await cmsSignatureValid(token)) && contentTypeAttributeIsTstInfo(signed);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk)
    throw new TimestampError(
      "TSA_SIGNATURE_INVALID",
      "the token's signature does not verify: it was altered after the TSA signed it",
    );
  // OpenSSL refuses to sign with any other certificate; a token from elsewhere may not.
  if (!hasTimeStampingPurpose(signer))
    throw new TimestampError(
      "TSA_NOT_TIMESTAMPING_CERT",
      "the token's signer certificate is not a time-stamping certificate (critical extended key usage id-kp-timeStamping)",
    );
  return {
    info,
    signed,
    facts: factsOf(info, signer),
  };
}

/** X.509 certificates from PEM text (one or more) or a single DER file. */
export function certificatesFromPemOrDer(bytes: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(bytes);
  const blocks = [
    ...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
  ];
  if (blocks.length === 0) return [bytes];
  return blocks.map((m) => base64Decode(m[1]!.replace(/\s+/g, "")));
}

/** Whether `der` is an X.509 certificate (pkijs reads it whole). */
export function isCertificate(der: Uint8Array): boolean {
  try {
    pkijs.Certificate.fromBER(copy(der));
    return true;
  } catch {
    return false;
  }
}

function readToken(token: Uint8Array): { info: pkijs.TSTInfo; signed: pkijs.SignedData } {
  try {
    const content = pkijs.ContentInfo.fromBER(copy(token));
    if (content.contentType !== pkijs.ContentInfo.SIGNED_DATA)
      throw new Error("not CMS SignedData");
    const signed = new pkijs.SignedData({ schema: content.content });
    if (signed.encapContentInfo.eContentType !== pkijs.id_eContentType_TSTInfo)
      throw new Error("its content is not a TSTInfo");
    const eContent = signed.encapContentInfo.eContent;
    if (!eContent) throw new Error("it has no content");
    const info = pkijs.TSTInfo.fromBER(copy(contentBytes(eContent)));
    return { info, signed };
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw new TimestampError(
      "TSA_TOKEN_MALFORMED",
      `not an RFC 3161 time-stamp token: ${messageOf(error)}`,
    );
  }
}

/**
 * The CMS signature alone (message digest of the content, signature over the signed
 * attributes). pkijs's own time-stamp path would also hash "the data" and compare it with the
 * imprint; the imprint here is the root itself, compared by `checkImprint`, so the signature is
 * checked on a copy that presents its content as plain data. The content-type attribute, which
 * pkijs only requires to be present, is checked by `contentTypeAttributeIsTstInfo`.
 */
async function cmsSignatureValid(token: Uint8Array): Promise<boolean> {
  const copyOf = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(copy(token)).content });
  copyOf.encapContentInfo.eContentType = ID_DATA;
  const result = await copyOf.verify({ signer: 0, checkChain: false, extendedMode: true });
  return result.signatureVerified === true;
}

function contentTypeAttributeIsTstInfo(signed: pkijs.SignedData): boolean {
  const attributes = signed.signerInfos[0]?.signedAttrs?.attributes ?? [];
  const contentType = attributes.find((a) => a.type === ID_CONTENT_TYPE_ATTRIBUTE);
  const value = contentType?.values[0] as asn1js.ObjectIdentifier | undefined;
  return value?.valueBlock.toString() === pkijs.id_eContentType_TSTInfo;
}

function checkImprint(info: pkijs.TSTInfo, root: Uint8Array): void {
  const imprint = info.messageImprint;
  if (
    imprint.hashAlgorithm.algorithmId !== SHA256 ||
    !equal(new Uint8Array(imprint.hashedMessage.valueBlock.valueHexView), root)
  )
    throw new TimestampError(
      "TSA_IMPRINT_MISMATCH",
      `the token times ${hex(new Uint8Array(imprint.hashedMessage.valueBlock.valueHexView))}, not the batch root ${hex(root)}`,
    );
}

function certificatesOf(signed: pkijs.SignedData): pkijs.Certificate[] {
  return (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
}

/** The certificate the signer info names (by issuer and serial, as TSAs do). */
function signerCertificate(signed: pkijs.SignedData): pkijs.Certificate | undefined {
  const sid = signed.signerInfos[0]?.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return certificatesOf(signed)[0];
  return certificatesOf(signed).find(
    (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
  );
}

function hasTimeStampingPurpose(cert: pkijs.Certificate): boolean {
  const eku = cert.extensions?.find((e) => e.extnID === ID_CE_EXT_KEY_USAGE);
  const usages = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return eku?.critical === true && usages.length === 1 && usages[0] === ID_KP_TIME_STAMPING;
}

function tsaName(info: pkijs.TSTInfo, signer: pkijs.Certificate | undefined): string {
  const name =
    info.tsa?.type === 4 ? (info.tsa.value as pkijs.RelativeDistinguishedNames) : undefined;
  return distinguishedName(name ?? signer?.subject);
}

function distinguishedName(name: pkijs.RelativeDistinguishedNames | undefined): string {
  if (!name) return "unknown TSA";
  const short: Record<string, string> = {
    "2.5.4.3": "CN",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
  };
  return name.typesAndValues
    .map((tv) => `${short[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join(", ");
}

/** eContent is an OCTET STRING, sometimes constructed (split into pieces) by BER writers. */
function contentBytes(octets: asn1js.OctetString): Uint8Array {
  if (!octets.idBlock.isConstructed) return new Uint8Array(octets.valueBlock.valueHexView);
  const parts = (octets.valueBlock.value as asn1js.OctetString[]).map(contentBytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An INTEGER's content bytes as encoded (DER minimal form). */
function bytesOf(integer: asn1js.Integer): Uint8Array {
  return new Uint8Array(integer.valueBlock.valueHexView);
}

/** A nonce as a positive INTEGER: a leading 0x00 keeps the top bit from reading as a sign. */
function positive(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if ((trimmed[0] ?? 0) < 0x80) return trimmed;
  const out = new Uint8Array(trimmed.length + 1);
  out.set(trimmed, 1);
  return out;
}

/** A fresh ArrayBuffer of exactly these bytes (a Node Buffer's `.buffer` is its whole pool). */
function copy(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function base64Decode(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A DER certificate as PEM text, as tools and browsers read trust anchors. */
export function toPem(der: Uint8Array): string {
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
