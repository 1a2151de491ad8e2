/**
 * Requests the service itself sends out (webhook deliveries; later, page captures), and the one
 * rule they follow: only to public addresses, unless the operator allows private ones.
 */
export {
  checkGivenUrl,
  checkOutboundUrl,
  GivenUrlError,
  type GivenUrlRefusal,
  isPublicAddress,
  originsOf,
  postOutbound,
  EgressRefusal,
  type EgressPolicy,
  type OutboundOutcome,
} from "./egress";
