import { Router, type Response } from "express";
import type { Bundles } from "../notary";

/**
 * `GET /v1/records/:id/bundle` and `GET /v1/cases/:noticeId/bundle`: the court bundle, a ZIP
 * streamed as it is built (README, "Court bundles").
 */
export function bundleRouter(bundles: Bundles): Router {
  const router = Router();
  const start = (res: Response, name: string) => {
    res.type("application/zip").attachment(`${name}.zip`);
  };
  router.get("/records/:id/bundle", async (req, res) => {
    start(res, `bundle-record-${req.params.id}`);
    await bundles.ofRecord(req.params.id, req.apiKey!, res);
  });
  router.get("/cases/:id/bundle", async (req, res) => {
    start(res, `bundle-case-${req.params.id}`);
    await bundles.ofCase(req.params.id, req.apiKey!, res);
  });
  return router;
}
