import { Router, type Request, type Response } from "express";
import { LANGUAGES, pickLanguage, type Language } from "../i18n/catalogue";
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
/**
 * The language a page is written in: `?lang=` (the page's own switch), else the browser's
 * Accept-Language, else Chinese. Caches keep one copy per language.
 */
function languageOf(req: Request, res: Response): Language {
  res.vary("Accept-Language");
  const asked = req.query.lang;
  const language = (LANGUAGES as readonly unknown[]).includes(asked)
    ? (asked as Language)
    : pickLanguage(req.acceptsLanguages());
  res.setHeader("Content-Language", language === "zh" ? "zh-CN" : "en");
  return language;
}

export function publicRouter(records: PublicRecords): Router {
  const router = Router();
  const html = "default-src 'none'; style-src 'unsafe-inline'";
  router.get("/public/publications", async (req, res) => {
    res.setHeader("Content-Security-Policy", html);
    const language = languageOf(req, res);
    res.type("html").send(renderPublicationsHtml(await records.publications(), language));
  });
  router.get("/v1/public/publications", async (_req, res) => {
    res.json({
      format: PUBLICATION_FEED_FORMAT,
      generatedAt: new Date().toISOString(),
      publications: await records.publications(),
    });
  });
  router.get("/public/contacts", async (req, res) => {
    res.setHeader("Content-Security-Policy", html);
    const language = languageOf(req, res);
    res.type("html").send(renderDirectoryHtml(await records.directory(), language));
  });
  router.get("/v1/public/contacts", async (_req, res) => {
    res.json({ versions: await records.directory() });
  });
  return router;
}
