import type { RequestHandler } from "express";
import { ForbiddenError, InvalidInputError } from "../errors";
import type { KeyRegistry, Role } from "../keys";

/** Requires `Authorization: Bearer <key>` naming a live API key. */
export function requireApiKey(keys: KeyRegistry): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match)
      return next(
        header === undefined || header.trim() === ""
          ? new InvalidInputError("AUTH_MISSING", "send an API key as Authorization: Bearer <key>")
          : // The key alone, or under another scheme (Basic, Token): say what is wrong, never
            // echo the header, which may be the key itself.
            new InvalidInputError(
              "AUTH_SCHEME_MISSING",
              "the Authorization header lacks the Bearer scheme: send Authorization: Bearer <key>",
            ),
      );
    const key = await keys.find(match[1]!);
    if (!key) return next(new InvalidInputError("AUTH_INVALID", "the API key is not valid"));
    req.apiKey = key;
    next();
  };
}

/** Lets only keys of these roles through; others get 403 FORBIDDEN_ROLE. */
export function allowRoles(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.apiKey?.role;
    if (role && roles.includes(role)) return next();
    next(
      new ForbiddenError(
        "FORBIDDEN_ROLE",
        `a ${role ?? "missing"} key may not do this; it needs one of: ${roles.join(", ")}`,
        { details: { role, allowed: roles } },
      ),
    );
  };
}
