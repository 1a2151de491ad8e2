import type { RequestHandler } from "express";
import { InvalidInputError } from "../errors";
import type { ApiKeys } from "../keys";

/** Requires `Authorization: Bearer <key>` naming a key from the keys file. */
export function requireApiKey(keys: ApiKeys): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match)
      return next(
        new InvalidInputError("AUTH_MISSING", "send an API key as Authorization: Bearer <key>"),
      );
    const key = keys.find(match[1]!);
    if (!key) return next(new InvalidInputError("AUTH_INVALID", "the API key is not valid"));
    req.apiKey = key;
    next();
  };
}
