import type { Json, JsonPath } from "../disclosure/selective";

/** One line of a record as a verifier shows it: a field and its value, or what stays hidden. */
export interface RecordLine {
  field: string;
  value: string;
  hidden?: true;
}

/** `notifier.idDocument.number`, `targets[0].url`: a path as a person reads it. */
export function fieldName(path: JsonPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/**
 * A verified record's metadata as lines, in the record's order: every value its disclosures
 * gave or it held in the clear and, per object, how many values stay hidden. A hidden value's
 * name is unknown too (only its digest is in the record), so it is counted where it stands.
 */
export function recordLines(disclosed: {
  metadata: Json;
  hidden: readonly JsonPath[];
}): RecordLine[] {
  const lines: RecordLine[] = [];
  const walk = (node: Json, path: JsonPath): void => {
    if (Array.isArray(node)) return node.forEach((e, i) => walk(e, [...path, i]));
    if (node !== null && typeof node === "object") {
      for (const [key, inner] of Object.entries(node)) walk(inner, [...path, key]);
      return;
    }
    lines.push({ field: fieldName(path), value: node === null ? "null" : String(node) });
  };
  walk(disclosed.metadata, []);
  const counts = new Map<string, number>();
  for (const path of disclosed.hidden) {
    // An object's hidden value stands in its `_sd`; an array's at its index.
    const where = path[path.length - 1] === "_sd" ? fieldName(path.slice(0, -1)) : fieldName(path);
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  // Each count stands where its values stood: after the object's last value shown, or, for an
  // object shown only by its count, where its name falls (a committed record's keys are sorted).
  for (const [where, n] of counts) {
    const line: RecordLine = {
      field: where || "(record)",
      value: `〔已隐去 hidden〕 ${n} 项个人信息未披露 ${n} personal value(s) not disclosed`,
      hidden: true,
    };
    const inside = (f: string) =>
      where === "" || f.startsWith(`${where}.`) || f.startsWith(`${where}[`);
    let last = -1;
    lines.forEach((l, i) => !l.hidden && inside(l.field) && (last = i));
    const at = where === "" ? 0 : last >= 0 ? last + 1 : lines.findIndex((l) => l.field > where);
    lines.splice(at < 0 ? lines.length : at, 0, line);
  }
  return lines;
}
