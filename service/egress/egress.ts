import { lookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import ipaddr from "ipaddr.js";
import { useAgent } from "request-filtering-agent";

/**
 * WARNING: a URL a caller gives the service is a request the service makes from inside its
 * network. Pointed at 169.254.169.254, 10.0.0.1 or the service's own loopback ports, with the
 * answers reported back (a delivery log of status codes and errors), it is a port scanner and a
 * reader of cloud metadata. So every outbound request goes only to public unicast addresses:
 * checked when the URL is given, and again on the address actually connected to, at every
 * request (a name that resolved to a public address yesterday may resolve to 127.0.0.1 today:
 * DNS rebinding).
 */
export interface EgressPolicy {
  /** Private, loopback and other non-public addresses allowed (WEBHOOK_ALLOW_PRIVATE; tests). */
  allowPrivate: boolean;
}

export class EgressRefusal extends Error {
  constructor(
    readonly code: "ADDRESS_NOT_PUBLIC" | "HOST_UNRESOLVED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether an IP address is public unicast: not private (RFC 1918, fc00::/7), loopback,
 * link-local (169.254/16, fe80::/10), shared CGNAT space (100.64/10), multicast, unspecified,
 * broadcast or reserved. An IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

/** Checks where `url` leads now: every address its host resolves to must be public. */
export async function checkOutboundUrl(url: URL, policy: EgressPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((a) => a.address),
        () => {
          throw new EgressRefusal("HOST_UNRESOLVED", `${host} does not resolve to an address`);
        },
      );
  const inside = addresses.find((a) => !isPublicAddress(a));
  if (inside !== undefined)
    throw new EgressRefusal(
      "ADDRESS_NOT_PUBLIC",
      `${host} leads to ${inside}, which is not a public address`,
    );
}

/** What became of one outbound request, in terms safe to show whoever gave the URL. */
export type OutboundOutcome =
  { ok: true; statusClass: string } | { ok: false; statusClass: string | null; code: string };

/**
 * POSTs `body` to `url`, connecting only to a public address (checked on the resolved address
 * by `request-filtering-agent`, and on the literal address before that), never following a
 * redirect, within `timeoutMs`. Only the status class is reported back, never the status line,
 * headers or error text of an address inside someone's network.
 */
export async function postOutbound(
  url: URL,
  o: { headers: Record<string, string>; body: string; timeoutMs: number; policy: EgressPolicy },
): Promise<OutboundOutcome> {
  try {
    await checkOutboundUrl(url, o.policy);
  } catch (error) {
    if (error instanceof EgressRefusal) return { ok: false, statusClass: null, code: error.code };
    throw error;
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...o.headers, "content-length": Buffer.byteLength(o.body) },
        agent: useAgent(url.toString(), { allowPrivateIPAddress: o.policy.allowPrivate }),
        timeout: o.timeoutMs,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const statusClass = `${Math.floor(status / 100)}xx`;
        res.on("end", () =>
          resolve(
            status >= 200 && status < 300
              ? { ok: true, statusClass }
              : { ok: false, statusClass, code: "ANSWERED_NOT_2XX" },
          ),
        );
        res.on("error", () => resolve({ ok: false, statusClass, code: "RESPONSE_FAILED" }));
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        statusClass: null,
        code:
          error.code === "TIMEOUT"
            ? "TIMEOUT"
            : /not allowed/.test(error.message)
              ? "ADDRESS_NOT_PUBLIC"
              : "CONNECTION_FAILED",
      }),
    );
    req.end(o.body);
  });
}

/** The origins of the service's own URLs (public, listening; one not known yet is ""). */
export function originsOf(...urls: readonly string[]): string[] {
  return [...new Set(urls.filter(Boolean).map((u) => new URL(u).origin))];
}

/** Why a URL given to the service for it to reach out to is refused. */
export type GivenUrlRefusal = "INVALID" | "SELF" | "UNRESOLVED" | "NOT_PUBLIC";

export class GivenUrlError extends Error {
  constructor(
    readonly reason: GivenUrlRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A URL a caller gives the service to reach (a webhook, a page to capture), checked as far as
 * it can be before anything is sent: a URL, http or https, no credentials, not the service
 * itself (it would reach its own endpoints, or loop), and leading to public addresses now
 * (checked again at every request, on the address connected to).
 */
export async function checkGivenUrl(
  raw: string,
  o: { policy: EgressPolicy; ownOrigins: readonly string[] },
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GivenUrlError("INVALID", "url is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new GivenUrlError("INVALID", "the URL must be http or https");
  if (url.username || url.password)
    throw new GivenUrlError("INVALID", "the URL may carry no credentials");
  if (o.ownOrigins.includes(url.origin))
    throw new GivenUrlError("SELF", "the URL may not point at this service");
  try {
    await checkOutboundUrl(url, o.policy);
  } catch (error) {
    if (!(error instanceof EgressRefusal)) throw error;
    throw error.code === "HOST_UNRESOLVED"
      ? new GivenUrlError("UNRESOLVED", "the URL's host does not resolve")
      : new GivenUrlError(
          "NOT_PUBLIC",
          "the URL must lead to a public address, not a private, loopback, link-local or reserved one",
        );
  }
  return url;
}
