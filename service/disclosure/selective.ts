import { sha256 } from "@noble/hashes/sha2";
import { Disclosure, uint8ArrayToBase64Url } from "@sd-jwt/utils";

/**
 * Selective disclosure in the manner of SD-JWT (RFC 9901 §4.2), so that a record can commit to
 * personal values without containing them (DESIGN §7):
 * - a disclosure is base64url(UTF-8 JSON `[salt, name, value]`), or `[salt, value]` for an
 *   array element; its digest is base64url(SHA-256(ASCII of the disclosure));
 * - the object a property was taken from lists its digest in `_sd` (sorted, so the order says
 *   nothing of which field was where); an array element becomes `{"...": digest}`;
 * - `_sd_alg: "sha-256"` stands at the top of a committed object.
 * The encoding is the RFC's, made and read by `@sd-jwt/utils`, so any SD-JWT library checks
 * our disclosures. Pure: the salts come from the caller (128 bits from a CSPRNG at intake).
 */
export const SD_ALG = "sha-256";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonPath = readonly (string | number)[];

/** One value taken out of a record: where it was, its disclosure and the disclosure's digest. */
export interface Committed {
  path: JsonPath;
  disclosure: string;
  digest: string;
}

/** Decides, for each property or element met, whether its value is personal. */
export type IsPersonal = (path: JsonPath, parent: Json) => boolean;

const hasher = { hasher: (data: string) => sha256(new TextEncoder().encode(data)), alg: SD_ALG };

/** A SHA-256 implementation: the isomorphic one by default, Node's native one at intake. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

const encoder = new TextEncoder();

/** The digest of a disclosure as written (its ASCII bytes), base64url. */
export function digestOf(disclosure: string, hash: Sha256 = sha256): string {
  return uint8ArrayToBase64Url(hash(encoder.encode(disclosure)));
}

/**
 * `value` with every personal property and element replaced by a digest, and the disclosures
 * that reveal them. Personal values are taken whole (an object stays one disclosure); what is
 * not personal is walked into.
 */
export function commitPersonal(
  value: { [key: string]: Json },
  isPersonal: IsPersonal,
  salt: () => string,
  hash: Sha256 = sha256,
): { committed: { [key: string]: Json }; disclosures: Committed[] } {
  const disclosures: Committed[] = [];
  const disclose = (path: JsonPath, data: [string, string, Json] | [string, Json]): string => {
    // What `Disclosure.encode` writes (base64url of compact JSON), without its object per value;
    // read back with `Disclosure` in `revealDisclosed`, and checked so in the tests.
    const encoded = uint8ArrayToBase64Url(encoder.encode(JSON.stringify(data)));
    const digest = digestOf(encoded, hash);
    disclosures.push({ path, disclosure: encoded, digest });
    return digest;
  };
  const walk = (node: Json, path: JsonPath): Json => {
    if (Array.isArray(node))
      return node.map((element, i) =>
        isPersonal([...path, i], node)
          ? { "...": disclose([...path, i], [salt(), element]) }
          : walk(element, [...path, i]),
      );
    if (node === null || typeof node !== "object") return node;
    const out: { [key: string]: Json } = {};
    const digests: string[] = [];
    for (const [key, inner] of Object.entries(node)) {
      if (isPersonal([...path, key], node))
        digests.push(disclose([...path, key], [salt(), key, inner]));
      else out[key] = walk(inner, [...path, key]);
    }
    if (digests.length > 0) out._sd = digests.sort();
    return out;
  };
  const committed = walk(value, []) as { [key: string]: Json };
  if (disclosures.length > 0) committed._sd_alg = SD_ALG;
  return { committed, disclosures };
}

export type DisclosureCode = "DISCLOSURE_MISMATCH" | "DISCLOSURE_UNUSED";

export class DisclosureError extends Error {
  constructor(
    readonly code: DisclosureCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The committed value with the given disclosures put back, after checking each: its digest
 * must stand exactly once in the value (`DISCLOSURE_UNUSED` when it stands nowhere: it belongs
 * to another record or was altered), in a place of its shape (a named disclosure in an `_sd`
 * list, an unnamed one in an array), giving no name twice and none of `_sd`, `...`
 * (`DISCLOSURE_MISMATCH`). Digests not disclosed are reported as `hidden`, by path.
 */
export function revealDisclosed(
  committed: { [key: string]: Json },
  disclosures: readonly string[],
): { revealed: { [key: string]: Json }; hidden: JsonPath[] } {
  const given = new Map<string, [string, string, Json] | [string, Json]>();
  for (const disclosure of disclosures) {
    const digest = digestOf(disclosure);
    if (given.has(digest))
      throw new DisclosureError("DISCLOSURE_MISMATCH", "a disclosure is given twice");
    let data: unknown;
    try {
      data = Disclosure.fromEncodeSync(disclosure, hasher).decode();
    } catch {
      throw new DisclosureError("DISCLOSURE_MISMATCH", "a disclosure is not base64url JSON");
    }
    if (
      !Array.isArray(data) ||
      typeof data[0] !== "string" ||
      (data.length === 3 && typeof data[1] !== "string") ||
      (data.length !== 2 && data.length !== 3)
    )
      throw new DisclosureError("DISCLOSURE_MISMATCH", "a disclosure is not [salt, name, value]");
    given.set(digest, data as [string, string, Json] | [string, Json]);
  }
  const used = new Set<string>();
  const hidden: JsonPath[] = [];
  const take = (digest: unknown, path: JsonPath) => {
    if (typeof digest !== "string")
      throw new DisclosureError("DISCLOSURE_MISMATCH", "a digest in the record is not a string");
    if (used.has(digest))
      throw new DisclosureError("DISCLOSURE_MISMATCH", "a digest stands twice in the record");
    used.add(digest);
    const data = given.get(digest);
    if (!data) hidden.push(path);
    return data;
  };
  const walk = (node: Json, path: JsonPath): Json => {
    if (Array.isArray(node)) {
      const out: Json[] = [];
      node.forEach((element, i) => {
        const isRef =
          element !== null &&
          typeof element === "object" &&
          !Array.isArray(element) &&
          Object.keys(element).length === 1 &&
          "..." in element;
        if (!isRef) return void out.push(walk(element, [...path, i]));
        const data = take((element as { "...": Json })["..."], [...path, i]);
        if (!data) return;
        if (data.length !== 2)
          throw new DisclosureError("DISCLOSURE_MISMATCH", "a named disclosure in an array");
        out.push(walk(data[1], [...path, i]));
      });
      return out;
    }
    if (node === null || typeof node !== "object") return node;
    const out: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(node)) {
      if (key === "_sd" || key === "_sd_alg") continue;
      out[key] = walk(inner, [...path, key]);
    }
    const digests = node._sd;
    if (digests !== undefined && !Array.isArray(digests))
      throw new DisclosureError("DISCLOSURE_MISMATCH", "_sd is not a list of digests");
    for (const digest of digests ?? []) {
      const data = take(digest, [...path, "_sd"]);
      if (!data) continue;
      if (data.length !== 3)
        throw new DisclosureError("DISCLOSURE_MISMATCH", "an unnamed disclosure in an object");
      const [, name, value] = data;
      // Own properties only: `in` would find "toString" on every object's prototype.
      if (
        name === "_sd" ||
        name === "..." ||
        name === "_sd_alg" ||
        Object.hasOwn(out, name) ||
        Object.hasOwn(node, name)
      )
        throw new DisclosureError(
          "DISCLOSURE_MISMATCH",
          `a disclosure names "${name}", which the object already has or may not have`,
        );
      out[name] = walk(value, [...path, name]);
    }
    return out;
  };
  const revealed = walk(committed, []) as { [key: string]: Json };
  for (const digest of given.keys())
    if (!used.has(digest))
      throw new DisclosureError(
        "DISCLOSURE_UNUSED",
        "a disclosure matches no digest of this record: it is altered or another record's",
      );
  return { revealed, hidden };
}
