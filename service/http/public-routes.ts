import { Router } from "express";
import type { PublicRecords } from "../notary";
import {
  PUBLICATION_FEED_FORMAT,
  renderDirectoryHtml,
  renderPublicationsHtml,
} from "../publication";

/**
 * Pages anyone may read, without a key (E-Commerce Law art. 44; seed 000 §1): the publication
 * feed and the contact directory, as HTML for people and JSON for machines.
 */
export function publicRouter(records: PublicRecords): Router {
  const router = Router();
  const html = "default-src 'none'; style-src 'unsafe-inline'";
  router.get("/public/publications", async (_req, res) => {
    res.setHeader("Content-Security-Policy", html);
    res.type("html").send(renderPublicationsHtml(await records.publications()));
  });
  router.get("/v1/public/publications", async (_req, res) => {
    res.json({
      format: PUBLICATION_FEED_FORMAT,
      generatedAt: new Date().toISOString(),
      publications: await records.publications(),
    });
  });
  router.get("/public/contacts", async (_req, res) => {
    res.setHeader("Content-Security-Policy", html);
    res.type("html").send(renderDirectoryHtml(await records.directory()));
  });
  router.get("/v1/public/contacts", async (_req, res) => {
    res.json({ versions: await records.directory() });
  });
  return router;
}
