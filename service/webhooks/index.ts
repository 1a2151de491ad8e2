/** Webhooks: events POSTed, signed, to the URLs parties and platforms subscribe. */
export {
  WEBHOOK_EVENTS,
  WebhookDispatcher,
  type DispatcherOptions,
  type Published,
  type WebhookEvent,
} from "./dispatcher";
export { signDelivery, webhookSecret } from "./signature";
