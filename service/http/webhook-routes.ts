import { Router } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../errors";
import type { WebhookStore, WebhookTable } from "../storage";
import { checkGivenUrl, GivenUrlError, type GivenUrlRefusal } from "../egress";
import type { ErrorCode } from "../errors/codes";
import { WEBHOOK_EVENTS, webhookSecret, type WebhookDispatcher } from "../webhooks";
import { allowRoles } from "./auth";
import { parseRequest } from "./parse-request";

const Subscription = z.strictObject({
  url: z.string().max(2_000),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .max(WEBHOOK_EVENTS.length)
    .default([...WEBHOOK_EVENTS]),
});

const WEBHOOK_REFUSALS: Record<GivenUrlRefusal, ErrorCode> = {
  INVALID: "WEBHOOK_URL_INVALID",
  SELF: "WEBHOOK_URL_SELF",
  UNRESOLVED: "WEBHOOK_URL_UNRESOLVED",
  NOT_PUBLIC: "WEBHOOK_URL_PRIVATE",
};

const view = (h: WebhookTable) => ({
  id: h.id,
  url: h.url,
  events: JSON.parse(h.events) as string[],
  createdAt: h.created_at,
});

/**
 * `POST/GET /v1/webhooks`, `DELETE /v1/webhooks/:id`, `GET /v1/webhooks/:id/deliveries`: a key
 * subscribes URLs to events it may know of; the secret that signs deliveries is answered once.
 */
export function webhookRouter(deps: {
  dispatcher: WebhookDispatcher;
  store: WebhookStore;
  /** The service's own origins: a webhook pointing back at it is refused. */
  ownOrigins: () => string[];
}): Router {
  const router = Router();
  const owners = allowRoles("platform", "rights_holder", "merchant", "regulator");
  const owned = async (id: string, keyId: string) => {
    const hook = await deps.store.get(id);
    if (!hook || hook.owner_key !== keyId)
      throw new NotFoundError("WEBHOOK_NOT_FOUND", `no webhook ${id} of this key`);
    return hook;
  };

  router.post("/webhooks", owners, async (req, res) => {
    const subscription = parseRequest(Subscription, req.body, "WEBHOOK_INVALID");
    const url = await checkGivenUrl(subscription.url, {
      policy: deps.dispatcher.egress,
      ownOrigins: deps.ownOrigins(),
    }).catch((error: unknown) => {
      if (!(error instanceof GivenUrlError)) throw error;
      throw new InvalidInputError(WEBHOOK_REFUSALS[error.reason], error.message);
    });
    const hook = await deps.dispatcher.subscribe(req.apiKey!, url.toString(), subscription.events);
    res
      .status(201)
      .location(`/v1/webhooks/${hook.id}`)
      .json({ ...view(hook), secret: webhookSecret(hook.secret) });
  });

  router.get("/webhooks", owners, async (req, res) => {
    res.json({ webhooks: (await deps.store.list(req.apiKey!.id)).map(view) });
  });

  router.delete("/webhooks/:id", owners, async (req, res) => {
    const hook = await owned(String(req.params.id), req.apiKey!.id);
    await deps.store.remove(hook.id, new Date().toISOString());
    res.status(204).end();
  });

  router.get("/webhooks/:id/deliveries", owners, async (req, res) => {
    const hook = await owned(String(req.params.id), req.apiKey!.id);
    const log = await deps.store.deliveries(hook.id, 200);
    res.json({
      deliveries: log.map((d) => ({
        id: d.id,
        eventId: d.event_id,
        type: d.event_type,
        status: d.status,
        attempts: d.attempts,
        // The status class alone ("4xx"): see egress.ts.
        lastStatus: d.last_status === null ? null : `${Math.floor(d.last_status / 100)}xx`,
        lastError: d.last_error,
        nextAttemptAt: d.status === "pending" ? d.next_attempt_at : null,
        createdAt: d.created_at,
        deliveredAt: d.delivered_at,
      })),
    });
  });
  return router;
}
