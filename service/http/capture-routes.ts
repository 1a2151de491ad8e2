import { Router } from "express";
import { z } from "zod";
import { InvalidInputError, NotFoundError, OverloadError } from "../errors";
import { checkGivenUrl, GivenUrlError, type EgressPolicy, type GivenUrlRefusal } from "../egress";
import type { ErrorCode } from "../errors/codes";
import type { CaptureDesk } from "../capture";
import { allowRoles } from "./auth";
import { parseRequest } from "./parse-request";

export const CaptureBody = z.strictObject({
  url: z.string().max(4_000).meta({ description: "http or https, at a public address" }),
  caseRef: z.string().trim().min(1).max(200).optional(),
  note: z.string().trim().min(1).max(4_000).optional(),
  scroll: z
    .boolean()
    .optional()
    .meta({ description: "Scroll the page once and record the session as a video" }),
  personal: z.boolean().optional().meta({
    description:
      "The page may show personal data: every file of the capture is marked personal (shown to the requester, the platform and a regulator only; erasable, its digest kept)",
  }),
});

const CAPTURE_REFUSALS: Record<GivenUrlRefusal, ErrorCode> = {
  INVALID: "CAPTURE_URL_INVALID",
  SELF: "CAPTURE_URL_SELF",
  UNRESOLVED: "CAPTURE_URL_UNRESOLVED",
  NOT_PUBLIC: "CAPTURE_URL_NOT_PUBLIC",
};

/**
 * `POST /v1/captures` asks the service to capture a page itself (a rights holder's or the
 * platform's key): 202 with the capture's id, checked at once for what can be known before the
 * browser starts (a URL, http or https, a public host, not the service). `GET
 * /v1/captures/:id` follows it to `notarised` (with the evidence record's id) or `failed`.
 */
export function captureRouter(deps: {
  desk: CaptureDesk;
  policy: EgressPolicy;
  /** The service's own origins: it does not capture itself. */
  ownOrigins: () => string[];
}): Router {
  const router = Router();
  const requesters = allowRoles("platform", "rights_holder");

  router.post("/captures", requesters, async (req, res) => {
    const body = parseRequest(CaptureBody, req.body, "CAPTURE_INVALID");
    const url = await checkGivenUrl(body.url, {
      policy: deps.policy,
      ownOrigins: deps.ownOrigins(),
    }).catch((error: unknown) => {
      if (!(error instanceof GivenUrlError)) throw error;
      throw new InvalidInputError(CAPTURE_REFUSALS[error.reason], error.message);
    });
    const view = await deps.desk.request({ ...body, url: url.toString() }, req.apiKey!);
    if (!view)
      throw new OverloadError("CAPTURE_QUEUE_FULL", "too many captures are waiting; retry shortly");
    res.status(202).location(`/v1/captures/${view.id}`).json(view);
  });

  router.get("/captures/:id", requesters, async (req, res) => {
    const view = await deps.desk.get(String(req.params.id), req.apiKey!);
    if (!view)
      throw new NotFoundError("CAPTURE_NOT_FOUND", `no capture ${req.params.id} of this key`);
    res.json(view);
  });
  return router;
}
