import {
  certificateNumber,
  codeMatches,
  lookupCode,
  parseCertificateNumber,
  toCertificate,
  type Certificate,
} from "../certificate";
import { NotFoundError } from "../errors";
import type { AnchoredReceipt } from "../receipts";
import type { RecordIndex } from "../storage";
import type { Notary } from "./notary";

/**
 * Finds the anchored receipt a printed certificate names, given its number and verification
 * code. An unknown number, a number that does not match its record, a wrong code and a record
 * not yet anchored all answer the same: the holder of a wrong code learns nothing of whether
 * the number exists.
 */
export async function lookUpCertificate(
  deps: { store: RecordIndex; notary: Pick<Notary, "getReceipt">; secret: Uint8Array },
  number: string,
  code: string,
): Promise<AnchoredReceipt> {
  const fail = () =>
    new NotFoundError(
      "CERTIFICATE_LOOKUP_FAILED",
      "no certificate has this number and verification code; check both as printed",
    );
  const parsed = parseCertificateNumber(number);
  if (!parsed) throw fail();
  const [row] = await deps.store.search({ afterSeq: parsed.seq - 1, limit: 1 });
  if (
    !row ||
    row.seq !== parsed.seq ||
    !row.leaf_hash.startsWith(parsed.leafPrefix) ||
    !codeMatches(deps.secret, row.id, code)
  )
    throw fail();
  const receipt = await deps.notary.getReceipt(row.id);
  if (receipt.status !== "anchored") throw fail();
  return receipt;
}

/**
 * The certificate of an anchored receipt as this service issues it: its verification code, and
 * a link (and QR code) that carries number and code to the verification page.
 */
export function issueCertificate(
  receipt: AnchoredReceipt,
  o: { secret: Uint8Array; issuer: string; publicUrl: string },
): Certificate {
  const code = lookupCode(o.secret, receipt.record.id);
  const number = certificateNumber(receipt.record.seq, receipt.leafHash);
  return toCertificate(receipt, {
    verifyUrl: `${o.publicUrl}/verify?certificate=${number}&code=${code}`,
    lookupCode: code,
    issuer: o.issuer,
  });
}
