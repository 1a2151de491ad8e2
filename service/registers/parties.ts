import type { MerchantRef, TypedRecord } from "../records";

/**
 * How the registers name a merchant: by identity document (credit code) where known, since a
 * merchant may run several shops and rename them; else by shop; else by name. Filings tie a
 * shop to its merchant's document, so a notice naming only a shop still finds the merchant.
 */
export class MerchantKeys {
  private readonly byShop = new Map<string, string>();
  private readonly names = new Map<string, string>();

  /** Learns from a filing which merchant runs which shop. */
  learn(record: TypedRecord): void {
    if (record.kind !== "filing") return;
    const key = record.metadata.merchant.idDocument.number;
    this.byShop.set(record.metadata.shop.shopId, key);
    this.names.set(key, record.metadata.merchant.legalName);
  }

  ofRef(ref: MerchantRef): string {
    const key =
      ref.idDocument?.number ??
      (ref.shopId
        ? (this.byShop.get(ref.shopId) ?? `shop:${ref.shopId}`)
        : `name:${ref.legalName}`);
    if (!this.names.has(key)) this.names.set(key, ref.legalName);
    return key;
  }

  ofShop(shopId: string, name?: string): string {
    const key = this.byShop.get(shopId) ?? `shop:${shopId}`;
    if (name && !this.names.has(key)) this.names.set(key, name);
    return key;
  }

  nameOf(key: string): string {
    return this.names.get(key) ?? key;
  }
}
