import { assertPortsFree, DataDirLock } from "./startup";
import { mkdir, readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { Express } from "express";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Wallet } from "ethers";
import {
  Anchorer,
  AnchoringPipeline,
  deployLedgerSigned,
  fundingOf,
  LedgerChain,
  loadDeployment,
  saveDeployment,
} from "./anchoring";
import { Batcher } from "./batching";
import { connectEmbedded, connectExternal, fundOnEmbedded, type ChainConnection } from "./chain";
import type { Config } from "./config";
import { createApp } from "./http/app";
import { createHttpServer } from "./http/http-server";
import { Sequencer } from "./intake";
import {
  ApiKeyFile,
  ApiKeyTable,
  loadLookupSecret,
  loadOperatorKey,
  makeStatementSigner,
  startSigningWorker,
  type KeyRegistry,
} from "./keys";
import {
  actionEvents,
  anchoredEvents,
  deadlineEvents,
  makeCaseDesk,
  makeRecordSubmissions,
  Notary,
  sweepKeepingPeriods,
} from "./notary";
import { CaptureDesk, readArtifact } from "./capture";
import { originsOf } from "./egress";
import type { UploadedFile } from "./fingerprint";
import { WebhookDispatcher, type Published } from "./webhooks";
import { createLogger, Metrics } from "./observability";
import { providerChainReader } from "./chain-reader";
import { certificatesFromPemOrDer, Timestamper } from "./witnesses";
import {
  FileStore,
  LedgerStore,
  openDatabase,
  S3FileStore,
  StorageHealth,
  WebhookStore,
  CaptureStore,
  type ContentStore,
  type Db,
  type Engine,
  type LedgerBinding,
} from "./storage";
import { KEEPING_YEARS } from "./cases";
import { ClusterRoles, type Role } from "./cluster/roles";
import { PgRateLimitStore } from "./cluster/rate-limit-store";

export interface RunningNotary {
  url: string;
  /** The HTTP application, for tools that inspect its routes. */
  app: Express;
  rpcUrl: string | null;
  notary: Notary;
  store: LedgerStore;
  files: ContentStore;
  pipeline: AnchoringPipeline;
  chain: ChainConnection;
  binding: LedgerBinding;
  apiKeysFile: string;
  /** The API keys: the keys file, or the database's table on PostgreSQL. */
  keys: KeyRegistry;
  /** Whether this start made the first platform key (written beside `apiKeysFile`). */
  createdApiKeys: boolean;
  /** Graceful stop: refuse new intake, finish what was accepted, cut and anchor it, close. */
  stop(): Promise<void>;
}

export async function startNotary(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningNotary> {
  // What a failed start must close again, newest first: a refused start leaves nothing open.
  const opened: (() => Promise<void>)[] = [];
  try {
    return await start(config, logger, opened);
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

async function start(
  config: Config,
  logger: Logger,
  opened: (() => Promise<void>)[],
): Promise<RunningNotary> {
  await assertPortsFree([
    { host: config.host, port: config.port, what: "API" },
    ...(config.chain.rpcUrl
      ? []
      : [{ host: config.chain.host, port: config.chain.port, what: "chain RPC" }]),
  ]);
  await mkdir(config.dataDir, { recursive: true });
  const lock = await DataDirLock.acquire(config.dataDir);
  opened.push(() => lock.release());
  const {
    db,
    engine,
    description: dbDescription,
    flushCommits,
  } = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    pgSchema: config.databaseSchema,
    onBackgroundError: (message) => logger.warn({ error: message }, "database background error"),
  });
  opened.push(() => db.destroy());
  const store = new LedgerStore(db, flushCommits);
  const files = config.objectStore
    ? new S3FileStore({
        ...config.objectStore,
        retainDays: KEEPING_YEARS * 366,
        tempDir: join(config.dataDir, "tmp"),
      })
    : new FileStore(config.fileStoreDir);
  await files.init();
  if (files instanceof S3FileStore) opened.push(async () => files.close());
  // Nothing is in flight before we listen: any temporary file is a crashed upload's leftover,
  // and any content still marked held was brought in by a request the crash cut short.
  const swept = await files.sweepTemp(0);
  const sweptUnreferenced = await files.sweepUnreferenced((sha256) =>
    store.isFileReferenced(sha256),
  );

  const { wallet: operator, created: createdOperator } = await loadOperatorKey(
    config.operatorKeyFile,
    { createIfMissing: true },
  );
  const lookupSecret = await loadLookupSecret(config.lookupSecretFile);
  const { keys, created: createdApiKeys } = await openKeyRegistry(config, db, engine, logger);
  const existing = await store.binding();

  const chain = config.chain.rpcUrl
    ? connectExternal(config.chain.rpcUrl, { chainId: existing?.chainId })
    : await connectEmbedded({
        dir: config.chainDir,
        host: config.chain.host,
        port: config.chain.port,
        publicRpc: config.chain.publicRpc,
        onWarning: (message) => logger.warn({ error: message }, "chain archive"),
      });
  opened.push(() => chain.close());
  const deployment = await resolveDeployment(config, chain, operator);
  const binding: LedgerBinding = {
    chainId: deployment.chainId,
    contract: deployment.address,
    operator: operator.address,
  };
  if (!existing) await store.bind(binding);
  else if (
    existing.chainId !== binding.chainId ||
    existing.contract.toLowerCase() !== binding.contract.toLowerCase() ||
    existing.operator !== binding.operator
  ) {
    throw new Error(
      `the database belongs to chain ${existing.chainId}, contract ${existing.contract}, operator ${existing.operator}, ` +
        `but the configuration gives chain ${binding.chainId}, contract ${binding.contract}, operator ${binding.operator}`,
    );
  }

  const tsaTrustAnchors = await readTsaTrustAnchors(config.tsa.caFiles);
  // The metrics and the timestamper refer to each other only in callbacks, run once serving.
  const timestamper = new Timestamper(store, {
    urls: config.tsa.urls,
    trustAnchors: tsaTrustAnchors,
    intervalMs: config.tsa.intervalMs,
    timeoutMs: config.tsa.timeoutMs,
    onError: (tsa, error) => {
      metrics.tsaErrors.inc({ tsa });
      logger.warn(
        { tsa, err: error },
        "time-stamping authority failed; its batches wait and are stamped when it answers",
      );
    },
  });
  // The lag gauges read the notary, which is built below; they are only read once serving.
  const metrics: Metrics = new Metrics(
    () => notary.lag(),
    () => notary.funding(),
    () => timestamper.statuses(),
  );
  metrics.replica.set({ replica: config.replica.name }, 1);
  const ledgerChain = new LedgerChain(
    chain.provider,
    operator,
    binding.contract,
    BigInt(binding.chainId),
    (raw) => chain.broadcast(raw),
    config.chain.maxLogRange,
  );
  const batcher = new Batcher(store, operator.address, config.batch);
  const anchorer = new Anchorer(store, ledgerChain, {
    confirmations: config.chain.confirmations,
    // A pass waits no longer than the cadence for its transactions: the next pass cuts what
    // arrived meanwhile and sends it with the next nonce while the first is still in flight, so
    // a record waits one interval plus one block, not a whole block more for the pass to end.
    mineTimeoutMs: Math.min(config.chain.anchorWaitMs, config.batch.maxWaitMs),
    maxFeePerGas: config.chain.maxFeePerGas,
    onReorg: (batches, { deeperThanConfirmations }) => {
      const log = deeperThanConfirmations ? logger.error.bind(logger) : logger.warn.bind(logger);
      log(
        { batches, confirmations: config.chain.confirmations },
        deeperThanConfirmations
          ? "a reorg deeper than CHAIN_CONFIRMATIONS dropped anchored batches: receipts issued for them no longer verify until they are re-issued; anchoring them again"
          : "a reorg dropped anchored batches; anchoring them again",
      );
    },
  });
  const webhookStore = new WebhookStore(db, flushCommits, engine);
  const webhooks = new WebhookDispatcher(webhookStore, {
    keyOf: (id) => keys.byId(id),
    logger,
    retryBaseMs: config.webhookRetryBaseMs,
    egress: { allowPrivate: config.webhookAllowPrivate },
  });
  const publish = (events: Promise<Published[]>) =>
    void events
      .then((list) => webhooks.publish(list))
      .catch((error: unknown) => logger.warn({ err: error }, "webhook events not queued"));
  const pipeline = new AnchoringPipeline(batcher, anchorer, {
    pollMs: Math.min(250, config.batch.maxWaitMs),
    wakeAfterRecords: config.batch.maxRecords,
    retryBaseMs: 500,
    retryMaxMs: 30_000,
    onAnchored: (batches) => {
      batches.forEach((b) => metrics.batchSize.observe(b.count));
      // Reading back every record of a batch is work only a subscriber should cause.
      void webhooks.wanted("record.anchored").then(
        (wanted) => wanted && publish(anchoredEvents(store, batches)),
        () => undefined,
      );
    },
    onError: (error, attempt, retryInMs) => {
      metrics.chainErrors.inc();
      logger.warn(
        { err: error, attempt, retryInMs },
        "anchoring failed; batches wait and will be retried",
      );
    },
  });
  const signer = startSigningWorker(operator, makeStatementSigner(operator));
  opened.push(() => signer.close());
  const sequencer = new Sequencer(store, signer, {
    maxQueue: 10_000,
    maxGroup: 500,
    anchorDeadlineMs: config.anchorDeadlineMs,
    ledger: binding,
  });
  const readHead = () => withTimeout(ledgerChain.head(), 2_000);
  const readFunding = () => withTimeout(fundingOf(chain.provider, operator.address), 2_000);
  const notary = new Notary({
    store,
    files,
    sequencer,
    pipeline,
    binding,
    rpcUrl: chain.rpcUrl,
    readHead,
    readFunding,
    blockHashAt: async (n) => (await chain.provider.getBlock(n))?.hash ?? undefined,
  });
  let accepting = true;
  // Known once the roles are set up; read only by requests, which come after.
  let heldRoles: () => string[] = () => [];
  // Known once listening; read only by requests, which come after.
  let url = "";
  const submissions = makeRecordSubmissions({
    notary,
    files,
    records: store,
    onAccepted: (record) => {
      if (record.kind === "action") publish(actionEvents(store, record));
    },
  });
  const capturePolicy = { allowPrivate: config.capture.allowPrivate };
  const captures = new CaptureDesk({
    settings: {
      executablePath: config.capture.browser,
      policy: capturePolicy,
      ...(config.capture.caFile && { ca: await readFile(config.capture.caFile) }),
      viewport: { width: 1280, height: 800 },
      timeoutMs: config.capture.timeoutMs,
      maxBytes: config.capture.maxBytes,
      ownOrigins: () => originsOf(config.publicUrl ?? url, url),
    },
    store: new CaptureStore(db, flushCommits, engine),
    keyOf: (id) => keys.byId(id),
    concurrency: config.capture.concurrency,
    maxQueued: config.capture.queue,
    pollMs: 1_000,
    tempDir: files.tempDir,
    ffmpeg: config.capture.ffmpeg,
    collector: config.issuerName,
    // Stored as an upload is, then submitted in the requester's name with the collection block
    // written by the capture: the one path on which `service_capture` is accepted.
    notarise: async (record, artifacts, key) => {
      const uploaded: UploadedFile[] = [];
      for (const a of artifacts) {
        const stored = await files.receive(readArtifact(a));
        uploaded.push({ ...stored, originalname: a.name, mimetype: a.mediaType } as UploadedFile);
      }
      return submissions.submitRecord({
        raw: () => record,
        uploaded,
        key,
        origin: "service_capture",
      });
    },
    onDone: (view, requesterKey) =>
      void webhooks
        .publish([
          {
            id: `capture.done:${view.id}`,
            type: "capture.done",
            data: { ...view },
            audience: (owner) => owner.id === requesterKey || owner.role === "platform",
          },
        ])
        .catch((error: unknown) => logger.warn({ err: error }, "capture.done not queued")),
  });
  const app = createApp({
    notary,
    certificates: {
      secret: lookupSecret,
      limits: config.lookup,
      issuer: config.issuerName,
      ...(engine === "postgres" && {
        sharedLimits: (limiter: string) => new PgRateLimitStore(db, `certificate-${limiter}`),
      }),
    },
    webhooks: {
      dispatcher: webhooks,
      store: webhookStore,
      onAccepted: (record) => {
        if (record.kind === "action") publish(actionEvents(store, record));
      },
    },
    store,
    files,
    keys,
    metrics,
    logger,
    limits: config.limits,
    verify: {
      chain: providerChainReader(chain.provider),
      rpc: chain.eip1193,
      // Behind a balancer one client's requests spread over the replicas: one count for all.
      publicRpc:
        engine === "postgres"
          ? {
              ...config.chain.publicRpc,
              rate: { ...config.chain.publicRpc.rate, store: new PgRateLimitStore(db, "rpc:") },
            }
          : config.chain.publicRpc,
      tsaTrustAnchors,
    },
    publicUrl: () => config.publicUrl ?? url,
    listeningUrl: () => url,
    submissions,
    captures: { desk: captures, policy: capturePolicy },
    cases: {
      holidays: config.holidays,
      workdays: config.workdays,
      calendarYears: config.calendarYears,
      inTimeWorkingDays: config.inTimeWorkingDays,
      publicationWorkingDays: config.publicationWorkingDays,
      delayCap: config.delayCap,
      terminationPenalties: config.terminationPenalties,
    },
    storage: new StorageHealth(config.dataDir, {
      minFreeBytes: config.limits.minFreeBytes,
      recentMs: 60_000,
    }),
    lowBalanceAnchors: config.lowBalanceAnchors,
    isAccepting: () => accepting,
    tsaStatuses: () => timestamper.statuses(),
    replica: { name: config.replica.name, roles: () => heldRoles() },
  });
  const server: Server = createHttpServer(app, config.http);
  opened.push(async () => void server.close());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${config.host}:${port}`;
  // Background roles: in the embedded mode this process holds them all; replicas on one
  // PostgreSQL hold each through a lease, one replica at a time (DESIGN §8).
  const desk = makeCaseDesk(store, config);
  let deadlineScan: NodeJS.Timeout | undefined;
  let keepingSweep: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const roles: Role[] = [
    {
      name: "anchorer",
      start: () => pipeline.start(),
      // Bounded: a pass stuck on an unanswered RPC call is left behind, its writes fenced.
      stop: () => pipeline.stop({ flush: false, timeoutMs: 1_000 }),
    },
    { name: "timestamper", start: () => timestamper.start(), stop: () => timestamper.stop() },
    {
      // Deadline reminders: cases are scanned only while someone subscribes to them.
      name: "deadline-scanner",
      start: () => {
        deadlineScan = setInterval(() => {
          void webhooks.wanted("case.deadline").then((wanted) => {
            if (wanted) publish(deadlineEvents(store, desk, config.webhookDeadlines.hours));
          });
        }, config.webhookDeadlines.scanMs);
        deadlineScan.unref();
      },
      stop: async () => clearInterval(deadlineScan),
    },
    {
      // Personal values whose keeping period ended are erased, each with its notarised record;
      // with an object store, uploads cut short anywhere in the cluster are swept too.
      name: "keeping-sweeper",
      start: () => {
        keepingSweep = setInterval(() => {
          sweeping ??= sweepKeepingPeriods({ notary, store, files }, new Date())
            .then(
              ({ erased }) => erased.length > 0 && logger.info({ erased }, "keeping periods ended"),
            )
            // A bucket is shared: another replica's crash leaves leftovers only a later sweep sees.
            .then(async () => {
              if (!(files instanceof S3FileStore)) return;
              const temp = await files.sweepTemp(config.objectStore!.sweepGraceMs);
              const orphans = await files.sweepUnreferenced((d) => store.isFileReferenced(d));
              if (temp + orphans > 0)
                logger.info({ temp, orphans }, "object store leftovers swept");
            })
            .catch((error: unknown) => logger.warn({ err: error }, "keeping-period sweep failed"))
            .finally(() => (sweeping = undefined));
        }, config.keepingSweepMs);
        keepingSweep.unref();
      },
      stop: async () => {
        clearInterval(keepingSweep);
        await sweeping;
      },
    },
  ];
  const cluster =
    engine === "postgres"
      ? new ClusterRoles(db, roles, {
          replica: config.replica.name,
          leaseMs: config.replica.leaseMs,
          logger,
          onChange: (held) => logger.info({ roles: held }, "roles held"),
        })
      : undefined;
  if (cluster) {
    store.fenceAnchoring(cluster.fence("anchorer"));
    await cluster.start();
    opened.push(() => cluster.stop());
  } else {
    for (const role of roles) await role.start();
    opened.push(async () => void (await Promise.all(roles.map((r) => r.stop()))));
  }
  heldRoles = () => (cluster ? cluster.held() : roles.map((r) => r.name));
  // Not a role: every replica delivers, each claiming what it sends; and captures likewise.
  webhooks.start();
  captures.start();

  logger.info(
    {
      url,
      database: dbDescription,
      fileStore: files.description,
      chain: chain.description,
      chainId: binding.chainId,
      contract: binding.contract,
      operator: binding.operator,
      batch: config.batch,
      tsa: config.tsa.urls,
      sweptTempFiles: swept,
      sweptUnreferencedFiles: sweptUnreferenced,
      createdOperatorKey: createdOperator,
    },
    "evidence notary started",
  );

  let stopping: Promise<void> | undefined;
  // Bounded (SHUTDOWN_TIMEOUT_MS): intake closes, what was acknowledged is committed, the open
  // batch is cut and anchoring goes on only while time is left; requests still running at the
  // deadline are cut off. The next start reconciles with the chain, so nothing is lost.
  const stop = () =>
    (stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sequencer.close();
      await signer.close();
      // Leave a tenth of the time to let running requests answer and to close the stores.
      const anchorUntil = deadline - config.shutdownTimeoutMs / 10;
      // Only the anchorer's holder cuts and anchors what waits; another replica takes the role
      // at once when this one frees its leases below.
      if (heldRoles().includes("anchorer"))
        await pipeline.stop({ flush: true, timeoutMs: Math.max(0, anchorUntil - Date.now()) });
      // Batches cut above wait for their tokens until the next start.
      if (cluster) await cluster.stop();
      else await Promise.all(roles.map((r) => r.stop()));
      await webhooks.stop();
      captures.stop();
      const cutOff = setTimeout(
        () => server.closeAllConnections(),
        Math.max(0, anchorUntil - Date.now()),
      );
      await closed;
      clearTimeout(cutOff);
      const left = await notary.lag().catch(() => undefined);
      await chain.close();
      await db.destroy();
      await lock.release();
      logger.info(
        { unanchoredRecords: left?.lagRecords },
        "evidence notary stopped; records not yet anchored are anchored at the next start",
      );
    })());

  return {
    url,
    app,
    rpcUrl: chain.rpcUrl,
    notary,
    store,
    files,
    pipeline,
    chain,
    binding,
    apiKeysFile: config.apiKeysFile,
    keys,
    createdApiKeys,
    stop,
  };
}

/**
 * The API keys: the keys file in the embedded mode, a table shared by replicas on PostgreSQL
 * (filled from the keys file the first time, so a service moving to replicas keeps its keys).
 */
async function openKeyRegistry(
  config: Config,
  db: Db,
  engine: Engine,
  logger: Logger,
): Promise<{ keys: KeyRegistry; created: boolean }> {
  if (engine === "sqlite") {
    const { keyFile, created } = await ApiKeyFile.open(config.apiKeysFile, {
      createIfMissing: true,
    });
    return { keys: keyFile, created };
  }
  const { keys, created, imported } = await ApiKeyTable.open(db, {
    keysFile: config.apiKeysFile,
    createIfMissing: true,
  });
  if (imported > 0)
    logger.info(
      { imported, file: config.apiKeysFile },
      "API keys copied from the keys file into the database, which holds them from now on",
    );
  else if (!created && (await ApiKeyTable.fileLeftBehind(config.apiKeysFile)))
    logger.warn(
      { file: config.apiKeysFile },
      "a keys file is present but not read: on PostgreSQL the API keys are in the database (npm run keys edits them there)",
    );
  return { keys, created };
}

/** The ledger contract: configured, remembered from an earlier start, or deployed now. */
async function resolveDeployment(
  config: Config,
  chain: ChainConnection,
  operator: Wallet,
): Promise<{ chainId: string; address: string }> {
  const file = join(config.chainDir, "deployment.json");
  if (config.chain.ledgerAddress) {
    const { chainId } = await chain.provider.getNetwork();
    const code = await chain.provider.getCode(config.chain.ledgerAddress);
    if (code === "0x")
      throw new Error(
        `LEDGER_ADDRESS ${config.chain.ledgerAddress} holds no contract on chain ${chainId}`,
      );
    return { chainId: chainId.toString(), address: config.chain.ledgerAddress };
  }
  const saved = await loadDeployment(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (saved) return saved;
  if (chain.kind === "embedded") await fundOnEmbedded(chain, operator.address);
  const deployment = await deployLedgerSigned(operator, chain.provider, (raw) =>
    chain.broadcast(raw),
  );
  await mkdir(config.chainDir, { recursive: true });
  await saveDeployment(file, deployment);
  return deployment;
}

/** The TSA root certificates the service checks tokens against, from PEM or DER files. */
async function readTsaTrustAnchors(files: readonly string[]): Promise<Uint8Array[]> {
  const anchors: Uint8Array[] = [];
  for (const file of files) {
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`TSA_CA_FILES: cannot read ${file} (${error.code ?? error.message})`);
    });
    anchors.push(...certificatesFromPemOrDer(new Uint8Array(bytes)));
  }
  return anchors;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}
