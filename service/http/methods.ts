import type { RequestHandler } from "express";
import { InvalidInputError } from "../errors";

/**
 * The last handler: a path the API serves asked with a method it does not serve is 405 with
 * the methods it does (RFC 9110 §15.5.6), anything else 404. The routes are read from the
 * OpenAPI document, which a test keeps equal to the routes the app serves.
 */
export function unmatchedRoute(openApi: { paths?: Record<string, object> }): RequestHandler {
  const routes = Object.entries(openApi.paths ?? {}).map(([template, operations]) => {
    const methods = Object.keys(operations).map((m) => m.toUpperCase());
    if (methods.includes("GET")) methods.push("HEAD");
    const pattern = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
      .join("[^/]+");
    return { match: new RegExp(`^${pattern}/?$`), methods };
  });
  return (req, _res, next) => {
    const route = routes.find((r) => r.match.test(req.path));
    if (!route) return next(new InvalidInputError("NOT_FOUND", "no such endpoint"));
    next(
      new InvalidInputError(
        "METHOD_NOT_ALLOWED",
        `${req.method} is not served on ${req.path}; allowed: ${route.methods.join(", ")}`,
        { details: { allowed: route.methods } },
      ),
    );
  };
}
