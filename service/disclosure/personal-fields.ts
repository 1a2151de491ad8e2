import type { Json, JsonPath } from "./selective";

/**
 * Which fields of a record's metadata are personal (DESIGN §7), by what a field is, wherever it
 * stands: the same party, listing or undertaking shape recurs across kinds, and a rule per
 * shape cannot miss a kind added later. Each value is taken out whole.
 */

/** Identity and contact: personal whoever they belong to (a company's contact is a person's). */
const CONTACT = new Set(["idDocument", "phone", "email", "address", "ip", "contact"]);

/** Names of someone whose kind is not stated: "a field whose owner kind is unknown is personal". */
const PERSON_NAMED = new Set(["holder", "merchant", "signedBy", "requestedBy"]);

/**
 * Kinds whose content is published by design: the contact directory is the platform's public
 * list of where to send notices and complaints (seed 000 §1), consented to by those it lists.
 */
const PUBLISHED_KINDS = new Set(["contact_directory"]);

/**
 * Free text a person wrote, which may speak of a person: a notice's explanation, a declaration's
 * argument and claim, an undertaking's statement, a report's facts, a mediation's summary, a
 * commitment's text, a directory entry's content, a description of evidence, a penalty's
 * violation and penalty, a measure's wording, the platform's warning text. Pages that publish
 * such text read it inside the service and mask what looks personal; the record commits to it.
 */
const FREE_TEXT = new Set([
  "description",
  "violation",
  "penalty",
  "warningText",
  "claimsReliedOn",
  "measure",
  "redress",
  "legalGround",
  "explanation",
  "argument",
  "rightOrLicence",
  "statement",
  "facts",
  "reasons",
  "summary",
  "body",
  "content",
  "text",
  "authorship",
]);

/** Whether a key holds free text, which pages that publish it show masked (`maskText`). */
export function isFreeTextField(key: string): boolean {
  return FREE_TEXT.has(key);
}

/** Keys under which a party's own name stands: public for an organisation only. */
const NAME = new Set(["legalName", "name"]);

/**
 * Whether the value at `path` (inside `parent`) is personal. A name is a legal person's, and
 * public, only when its object says `type: "organisation"`; a person's, or one of no stated
 * type, is personal.
 */
export function isPersonalField(kind: string, path: JsonPath, parent: Json): boolean {
  if (PUBLISHED_KINDS.has(kind)) return false;
  const key = path[path.length - 1];
  if (typeof key !== "string") return false;
  if (CONTACT.has(key) || FREE_TEXT.has(key)) return true;
  // A bare name (`"merchant": "Zhao Lei"`) is a person's; a party object (`"merchant": {type,
  // legalName, …}`) is looked into, so an organisation's name stays public.
  if (PERSON_NAMED.has(key)) return !isObject(parent) || !isObject(parent[key] ?? null);
  if (NAME.has(key)) {
    const type =
      parent !== null && typeof parent === "object" && !Array.isArray(parent)
        ? parent.type
        : undefined;
    return type !== "organisation";
  }
  return false;
}

/** Whether a record's metadata holds any personal value (a field the catalogue calls personal). */
export function holdsPersonalData(kind: string, metadata: Json): boolean {
  const walk = (node: Json, path: JsonPath): boolean => {
    if (Array.isArray(node)) return node.some((element, i) => walk(element, [...path, i]));
    if (node === null || typeof node !== "object") return false;
    return Object.entries(node).some(
      ([key, inner]) =>
        (inner !== undefined && isPersonalField(kind, [...path, key], node)) ||
        walk(inner, [...path, key]),
    );
  };
  return walk(metadata, []);
}

function isObject(node: Json): node is { [key: string]: Json } {
  return node !== null && typeof node === "object" && !Array.isArray(node);
}
