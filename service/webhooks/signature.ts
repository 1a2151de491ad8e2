import { Webhook } from "standardwebhooks";

/**
 * Deliveries are signed as the Standard Webhooks specification says, so a receiver checks them
 * with that project's library in any language: `webhook-id` (the delivery id),
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `<id>.<timestamp>.<body>`. The id is inside the MAC, so a receiver that remembers ids and
 * refuses old timestamps refuses a replayed delivery.
 */

/** The subscription's secret as the specification writes it: `whsec_` and base64. */
export function webhookSecret(stored: string): string {
  // Secrets are kept as 32 random bytes in hex (as they always were); the bytes are the key.
  return `whsec_${Buffer.from(stored, "hex").toString("base64")}`;
}

/** The three headers that sign one delivery. */
export function signDelivery(
  stored: string,
  delivery: { id: string; at: Date; body: string },
): Record<string, string> {
  const signature = new Webhook(webhookSecret(stored)).sign(
    delivery.id,
    delivery.at,
    delivery.body,
  );
  return {
    "webhook-id": delivery.id,
    "webhook-timestamp": String(Math.floor(delivery.at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}
