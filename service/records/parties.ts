/**
 * The identifiers of the parties a record names, so that a rights holder's or a merchant's
 * key can read what concerns it: every identity document or credit code number anywhere in
 * the metadata, and every shop a listing or filing names, as `shop:<id>`.
 */
export function partiesOf(metadata: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== "object" || value === null) return;
    const object = value as Record<string, unknown>;
    const document = object.idDocument as { number?: unknown } | undefined;
    if (typeof document?.number === "string") found.add(document.number);
    if (typeof object.shopId === "string") found.add(`shop:${object.shopId}`);
    Object.values(object).forEach(walk);
  };
  walk(metadata);
  return [...found];
}
