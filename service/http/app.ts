import type { Entitlement } from "../disclosure";
import { randomUUID } from "node:crypto";
import type { Store } from "express-rate-limit";
import express, { Router, type Express } from "express";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { KeyRegistry } from "../keys";
import {
  assembleCase,
  makeAudits,
  makeExports,
  type RecordSubmissions,
  loadRegisters,
  assembleBinder,
  recordsOfKinds,
  makePublicRecords,
  maliciousFlagsOf,
  lookUpCertificate,
  eraseValues,
  erasuresOf,
  certificateImages,
  issueCertificate,
  makeArchiveSlots,
  makeBundles,
  makeCaseDesk,
  type CaseRules,
  searchRecords,
  tallyStatistics,
  type Notary,
} from "../notary";
import type { Metrics } from "../observability";
import { isKind, STATED_TIME_TOLERANCE_MS, type CanonicalRecord } from "../records";
import { renderCertificatePdf, type Certificate } from "../certificate";
import type { AnchoredReceipt } from "../receipts";
import { toPem } from "../witnesses";
import type { ContentStore, LedgerStore, StorageHealth, WebhookStore } from "../storage";
import type { TsaStatus } from "../witnesses";
import { requireApiKey } from "./auth";
import { errorMiddleware, pathOf } from "./errors";
import { ledgerRouter } from "./ledger-routes";
import { unmatchedRoute } from "./methods";
import { buildOpenApi } from "./openapi";
import { auditRouter } from "./audit-routes";
import { caseRouter } from "./case-routes";
import { registerRouter } from "./register-routes";
import { publicRouter } from "./public-routes";
import { certificateRouter, type LookupLimits } from "./certificate-routes";
import { exportRouter } from "./export-routes";
import { keysRouter } from "./keys-routes";
import { recordsRouter } from "./records-routes";
import { reportRouter } from "./report-routes";
import { searchRouter } from "./search-routes";
import { verifyRouter, type VerifyRouteDeps } from "./verify-routes";
import { offlineVerifyPage, VERIFY_PAGE_HTML, verifyPageScript } from "../verify-page/page";
import { bundleRouter } from "./bundle-routes";
import { browserScript } from "../browser-bundle";
import { PORTAL_HTML } from "../portal/page";
import { webhookRouter } from "./webhook-routes";
import { captureRouter } from "./capture-routes";
import type { CaptureDesk } from "../capture";
import { originsOf, type EgressPolicy } from "../egress";
import type { WebhookDispatcher } from "../webhooks";
import { OverloadError } from "../errors";

export interface AppDeps {
  notary: Notary;
  /** Certificate verification codes: their secret, and how lookups are rate-limited. */
  certificates: {
    secret: Uint8Array;
    limits: LookupLimits;
    issuer: string;
    /** Replicas: lookup counters shared through the database, so the limits hold cluster-wide. */
    sharedLimits?: (limiter: string) => Store;
  };
  webhooks: {
    dispatcher: WebhookDispatcher;
    store: WebhookStore;
    /** Told of each accepted record (to publish its events). */
    onAccepted: (record: CanonicalRecord) => void;
  };
  store: LedgerStore;
  files: ContentStore;
  keys: KeyRegistry;
  metrics: Metrics;
  logger: Logger;
  limits: Config["limits"];
  verify: Omit<VerifyRouteDeps, "limits">;
  publicUrl: () => string;
  /** The URL the service listens on (may differ from PUBLIC_URL behind a proxy). */
  listeningUrl: () => string;
  cases: CaseRules & { terminationPenalties: number };
  storage: StorageHealth;
  /** Readiness is degraded below this many anchors' worth of operator balance. */
  lowBalanceAnchors: number;
  /** Whether intake is open (false while shutting down). */
  isAccepting: () => boolean;
  /** The time-stamping authorities' state, for readiness. */
  tsaStatuses: () => Promise<TsaStatus[]>;
  /** This replica's name and the background roles it holds now (DESIGN §8). */
  replica: { name: string; roles: () => string[] };
  /** Submitting records with their files: the API's intake, and the captures'. */
  submissions: RecordSubmissions;
  /** Web captures, and the rule their URLs follow. */
  captures: { desk: CaptureDesk; policy: EgressPolicy };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // ETags would hash every JSON answer; none of them is cached (files set their own, the digest).
  app.set("etag", false);
  app.set("trust proxy", false);
  const openApi = buildOpenApi();
  // The composition root of the HTTP side: routers get use cases, never the store itself.
  const store = deps.store;
  const archiveSlot = makeArchiveSlots(deps.limits.concurrentExports);
  /** As `reader` may see it: a capture's files marked personal need "all". */
  const certificateOf = (receipt: AnchoredReceipt, reader: Entitlement) =>
    issueCertificate(receipt, {
      secret: deps.certificates.secret,
      issuer: deps.certificates.issuer,
      publicUrl: deps.publicUrl(),
      store,
      files: { notary: deps.notary, reader },
    });

  app.use((req, res, next) => {
    const given = req.headers["x-request-id"];
    req.id = typeof given === "string" && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    // The request's logger is made on first use: most requests log nothing at the usual levels.
    let log: Logger | undefined;
    Object.defineProperty(req, "log", {
      get: () => (log ??= deps.logger.child({ requestId: req.id })),
      configurable: true,
    });
    res.setHeader("X-Request-Id", req.id);
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      deps.metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      // Method, path and status only: headers (Authorization) and bodies are never logged.
      if (!deps.logger.isLevelEnabled("info")) return;
      req.log.info(
        {
          method: req.method,
          path: pathOf(req),
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          key: req.apiKey?.id,
        },
        "request",
      );
    });
    next();
  });

  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  // Every browser asks for it on every page: an icon, not a 404 in each console.
  app.get("/favicon.ico", (_req, res) => {
    res.type("image/svg+xml").setHeader("Cache-Control", "public, max-age=86400");
    res.send(FAVICON_SVG);
  });
  app.get("/readyz", async (_req, res) => {
    const ready = await deps.store
      .nextSeq()
      .then(() => true)
      .catch(() => false);
    // Not ok while every submission would fail (a next seq lowered behind the records').
    const sequence = ready && (await deps.store.sequenceSound().catch(() => false));
    const anchoring = ready ? await deps.notary.lag() : undefined;
    const accepting = deps.isAccepting();
    const [storage, chainReachable, funding, tsas] = await Promise.all([
      deps.storage.check(),
      deps.notary.chainReachable(),
      deps.notary.funding(),
      deps.tsaStatuses().catch(() => []),
    ]);
    // A TSA that fails while batches wait for it: witnesses lag, nothing else does.
    const tsaFailing = tsas.some((t) => t.lastError !== undefined && t.backlog > 0);
    const lowBalance = funding !== undefined && funding.anchorsLeft < deps.lowBalanceAnchors;
    // No ledger contract where one was: nothing will anchor until an operator steps in.
    const ledgerMissing = anchoring?.lastErrorCode === "LEDGER_CONTRACT_MISSING";
    const status =
      !ready || !accepting || ledgerMissing || !sequence
        ? "unavailable"
        : anchoring!.consecutiveFailures > 0 ||
            storage.full ||
            !chainReachable ||
            lowBalance ||
            tsaFailing
          ? "degraded"
          : "ok";
    res.status(status === "unavailable" ? 503 : 200).json({
      status,
      database: ready,
      sequence: sequence ? "ok" : "NEXT_SEQ_BEHIND",
      accepting,
      storage,
      chain: chainReachable ? "ok" : "unreachable",
      operator: funding ? { ...funding, lowBalance } : null,
      anchoring: anchoring ?? null,
      witnesses: tsas,
      replica: { name: deps.replica.name, roles: deps.replica.roles() },
    });
  });
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  app.get("/v1/openapi.json", (_req, res) => void res.json(openApi));
  app.get("/verify", (_req, res) => {
    // Scripts only from here; RPC calls to any endpoint the user chooses.
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src *",
    );
    res.type("html").send(VERIFY_PAGE_HTML);
  });
  app.get("/portal", (_req, res) => {
    // The portal talks to this origin only; its key never leaves the tab's session storage.
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob:",
    );
    res.type("html").send(PORTAL_HTML);
  });
  app.get("/portal/app.js", async (_req, res) => {
    res.type("application/javascript").setHeader("Cache-Control", "public, max-age=300");
    res.send(await browserScript("portal"));
  });
  app.get("/verify/app.js", async (_req, res) => {
    res.type("application/javascript").setHeader("Cache-Control", "public, max-age=300");
    res.send(await verifyPageScript());
  });

  app.use(
    publicRouter(
      makePublicRecords(store, {
        publicUrl: deps.publicUrl,
        lookupSecret: deps.certificates.secret,
      }),
    ),
  );
  app.use(
    certificateRouter(
      (number, code) =>
        lookUpCertificate(
          { store, notary: deps.notary, secret: deps.certificates.secret },
          number,
          code,
        ),
      deps.certificates.limits,
      deps.certificates.sharedLimits,
    ),
  );
  const ledger = ledgerRouter(deps.notary);
  app.use("/v1", ledger.public, verifyRouter({ ...deps.verify, limits: deps.limits }));
  app.use("/v1", requireApiKey(deps.keys), express.json({ limit: deps.limits.recordBytes }));
  app.use("/v1", (req, _res, next) => {
    if (req.method === "POST" && !deps.isAccepting())
      return next(
        new OverloadError("SERVICE_SHUTTING_DOWN", "the service is shutting down; retry shortly"),
      );
    next();
  });
  const certificatePdf = async (
    receipt: AnchoredReceipt,
    certificate: Certificate,
    reader: Entitlement,
  ) =>
    renderCertificatePdf(
      certificate,
      undefined,
      await certificateImages(receipt, { notary: deps.notary, reader }),
    );
  const submissions = deps.submissions;
  const ownOrigins = () => originsOf(deps.publicUrl(), deps.listeningUrl());
  app.use(
    "/v1",
    // Intake first: every router before it is walked by every submission.
    recordsRouter({
      ...deps,
      certificateOf,
      certificatePdf,
      submissions,
      erase: (id, request, key) =>
        eraseValues(
          { notary: deps.notary, store, files: deps.files },
          id,
          { ...request, trigger: "request" },
          {
            keyId: key.id,
            name: key.name,
          },
        ),
      erasuresOf: (id) => erasuresOf(store, id),
      notifierFlags: async (notice) => {
        const id = notice.metadata.notifier.idDocument?.number;
        return id ? maliciousFlagsOf(store, id, notice.receivedAt) : [];
      },
    }),
    searchRouter((query) => searchRecords(store, query)),
    reportRouter(
      (range) => tallyStatistics(store, range),
      (range) =>
        assembleBinder(store, {
          ...range,
          publicUrl: deps.publicUrl(),
          lookupSecret: deps.certificates.secret,
          chainId: deps.notary.binding.chainId,
          platform: deps.certificates.issuer,
          terminationPenalties: deps.cases.terminationPenalties,
        }),
      async (month) => ({
        campaign: (await recordsOfKinds(store, ["campaign"])).filter((r) => isKind(r, "campaign")),
        // Anything received since the month began may have taken place in it (a takedown
        // recorded later states when it took effect).
        ledger: await recordsOfKinds(store, ["notice", "action"], {
          from: new Date(
            Date.parse(`${month}-01T00:00:00+08:00`) - STATED_TIME_TOLERANCE_MS,
          ).toISOString(),
        }),
      }),
    ),
    registerRouter(() =>
      loadRegisters(store, { terminationPenalties: deps.cases.terminationPenalties }),
    ),
    exportRouter(makeExports({ store, notary: deps.notary, files: deps.files, slot: archiveSlot })),
    Router().get("/me", (req, res) => {
      const { id, name, role, parties } = req.apiKey!;
      res.json({ id, name, role, parties });
    }),
    webhookRouter({
      dispatcher: deps.webhooks.dispatcher,
      store: deps.webhooks.store,
      ownOrigins,
    }),
    captureRouter({ ...deps.captures, ownOrigins }),
    bundleRouter(
      makeBundles({
        store,
        notary: deps.notary,
        slot: archiveSlot,
        certificatePdf: async (receipt, reader) =>
          certificatePdf(receipt, await certificateOf(receipt, reader), reader),
        offlinePage: () => offlineVerifyPage(`${deps.publicUrl()}/v1/rpc`),
        tsaRootsPem: deps.verify.tsaTrustAnchors.map(toPem).join(""),
        issuer: deps.certificates.issuer,
        maxFileBytes: deps.limits.bundleBytes,
      }),
    ),
    caseRouter({
      notary: deps.notary,
      caseRecords: (noticeId) => assembleCase(store, noticeId),
      desk: makeCaseDesk(store, deps.cases),
    }),
    ledger.protected,
    keysRouter(deps.keys),
    auditRouter(
      makeAudits({
        store,
        files: deps.files,
        binding: deps.notary.binding,
        chain: deps.verify.chain,
      }),
    ),
  );
  app.use(unmatchedRoute(openApi));
  app.use(errorMiddleware({ onStorageFull: () => deps.storage.noteFull() }));
  return app;
}

/** A seal with a tick: the service's icon, drawn in the page's blue. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<circle cx="16" cy="16" r="14" fill="#1f4e8c"/>' +
  '<path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>' +
  "</svg>";
