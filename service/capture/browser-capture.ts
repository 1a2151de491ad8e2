import { lookup } from "node:dns/promises";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Route } from "playwright-core";
import type { EgressPolicy } from "../egress";
import { CaptureFetchError, fetchForCapture, type Exchange, type TlsFacts } from "./fetch";

export interface CaptureSettings {
  /** Debian's chromium (`CAPTURE_BROWSER`). */
  executablePath: string;
  policy: EgressPolicy;
  /** Extra roots to trust for the pages' TLS (`CAPTURE_CA_FILE`): a closed network's CA. */
  ca?: Buffer;
  viewport: { width: number; height: number };
  /** The whole capture, from launch to the last screenshot. */
  timeoutMs: number;
  /** Every response body together. */
  maxBytes: number;
  /**
   * The service's own origins (public and listening): no request of a captured page reaches the
   * service itself, whatever leads there (the URL, a redirect, an image, a script).
   */
  ownOrigins?: () => readonly string[];
}

export interface CaptureResult {
  requestedUrl: string;
  finalUrl: string;
  title: string;
  /** The page's full height in CSS pixels, and where its screenshots stop when taller. */
  pageHeight: number;
  screenshotsCutAt?: number;
  /** The main document's hops, the requested URL first, each with the status it answered. */
  redirects: { url: string; status: number }[];
  mainDocument: { status: number; remoteAddress?: string; tls?: TlsFacts };
  /** What each host the page was fetched from resolved to, at the capture. */
  dns: { host: string; addresses: string[] }[];
  browser: {
    name: string;
    version: string;
    userAgent: string;
    viewport: CaptureSettings["viewport"];
  };
  startedAt: string;
  finishedAt: string;
  exchanges: Exchange[];
  /** Requests the capture refused (a private address, a scheme not captured), by URL. */
  refused: { url: string; code: string }[];
  /** The first screen (the viewport) after load, then the full page after load and after scrolling. */
  screenshots: { firstScreen: Buffer; load: Buffer; scrolled: Buffer };
  /** The session as the browser painted it (DevTools screencast), when a recording was asked. */
  frames?: ScreencastFrame[];
}

/** One frame of the screencast, written to disk as it came: a session holds hundreds. */
export interface ScreencastFrame {
  /** The JPEG's path. */
  file: string;
  /** Seconds since the epoch, as the browser stamped the frame. */
  at: number;
}

export class CaptureError extends Error {
  constructor(
    readonly code:
      | "CAPTURE_TIMEOUT"
      | "CAPTURE_URL_NOT_PUBLIC"
      | "CAPTURE_URL_UNRESOLVED"
      | "CAPTURE_URL_SELF"
      | "CAPTURE_FETCH_FAILED"
      | "CAPTURE_TOO_LARGE"
      | "CAPTURE_BROWSER_FAILED"
      | "CAPTURE_KEY_REVOKED"
      | "CAPTURE_INTERRUPTED"
      | "CAPTURE_FAILED",
    message: string,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/**
 * How tall a full-page screenshot gets, and how far the page is scrolled: a page can be made
 * hundreds of thousands of pixels tall, and a screenshot of it hundreds of megabytes. A listing
 * fits many times over; the facts say when a page was taller.
 */
export const MAX_SHOT_HEIGHT = 16_384;
const MAX_HOPS = 10;

/** Headers that describe one connection, not the resource: the browser gets the body whole. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

function fulfilHeaders(e: Exchange): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of e.responseHeaders) {
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key)) continue;
    headers[key] = headers[key] === undefined ? v : `${headers[key]}\n${v}`;
  }
  return headers;
}

/**
 * Captures a page in a fresh headless Chromium: a new profile (no cookies, cache, extensions),
 * a fixed viewport, service workers and WebSockets blocked. The browser never reaches the
 * network: every request it makes is fetched by the service (`fetchForCapture`: public
 * addresses only, no redirect followed by itself, a byte budget) and fulfilled from what came
 * back, and its own proxy points at a closed port, so a request that escaped interception
 * would fail rather than reach anything. Returns every exchange and two full-page screenshots,
 * after load and after scrolling once to the bottom (lazy images load).
 */
export async function capturePage(
  url: string,
  s: CaptureSettings,
  options: {
    /** Record the session: its frames are written into this directory as they come. */
    recordTo?: string;
    signal?: AbortSignal;
  } = {},
): Promise<CaptureResult> {
  const startedAt = new Date().toISOString();
  const deadline = Date.now() + s.timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CaptureError("CAPTURE_TIMEOUT", `not captured within ${s.timeoutMs} ms`)),
      s.timeoutMs,
    );
    // The service stopping: the browser is closed below, the capture left to be taken again.
    options.signal?.addEventListener("abort", () =>
      reject(new CaptureError("CAPTURE_INTERRUPTED", "the service stopped during the capture")),
    );
  });
  try {
    return await Promise.race([
      timedOut,
      (async () => {
        browser = await chromium
          .launch({
            executablePath: s.executablePath,
            args: [
              "--no-sandbox",
              "--disable-gpu",
              "--disable-dev-shm-usage",
              "--no-first-run",
              "--disable-quic",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--disable-default-apps",
              "--proxy-server=http://127.0.0.1:9",
              "--proxy-bypass-list=<-loopback>",
            ],
          })
          .catch((error: Error) => {
            throw new CaptureError("CAPTURE_BROWSER_FAILED", error.message);
          });
        return await run(browser, url, s, { startedAt, left, recordTo: options.recordTo }).catch(
          (error: unknown) => {
            // What the browser threw (a page that crashed its renderer): a code, not its words.
            throw error instanceof CaptureError || error instanceof CaptureFetchError
              ? error
              : new CaptureError("CAPTURE_FAILED", (error as Error).message ?? String(error));
          },
        );
      })(),
    ]);
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
  }
}

async function run(
  browser: Browser,
  url: string,
  s: CaptureSettings,
  t: { startedAt: string; left: () => number; recordTo: string | undefined },
): Promise<CaptureResult> {
  const context = await browser.newContext({
    viewport: s.viewport,
    serviceWorkers: "block",
    acceptDownloads: false,
  });
  const exchanges: Exchange[] = [];
  const refused: { url: string; code: string }[] = [];
  let budget = s.maxBytes;
  let overBudget = false;
  await context.routeWebSocket(/.*/, (ws) => ws.close());
  /**
   * Fetches a request, following redirects here: a browser does not hand the hop after a
   * fulfilled redirect back to interception, so each hop is fetched (and checked) by the
   * service, recorded, and the last one given to the browser.
   */
  const fetchFollowing = async (request: {
    url: string;
    method: string;
    headers: Record<string, string>;
    body?: Buffer;
  }): Promise<Exchange> => {
    let current = request;
    for (let hop = 0; ; hop++) {
      if (budget <= 0)
        throw new CaptureError("CAPTURE_TOO_LARGE", `the page is larger than ${s.maxBytes} bytes`);
      const exchange = await fetchForCapture(current, {
        policy: s.policy,
        maxBytes: budget,
        timeoutMs: t.left(),
        ...(s.ca && { ca: s.ca }),
        ...(s.ownOrigins && { ownOrigins: s.ownOrigins() }),
      });
      budget -= exchange.body.length;
      if (exchange.truncated) overBudget = true;
      exchanges.push(exchange);
      const location = exchange.responseHeaders.find(([k]) => k.toLowerCase() === "location")?.[1];
      if (!REDIRECTS.has(exchange.status) || !location || hop >= MAX_HOPS) return exchange;
      const keepMethod = exchange.status === 307 || exchange.status === 308;
      current = {
        url: new URL(location, current.url).toString(),
        method: keepMethod ? current.method : "GET",
        headers: current.headers,
        ...(keepMethod && current.body && { body: current.body }),
      };
    }
  };
  /** The main document, fetched before the browser asks, so the page opens at its final URL. */
  const prefetched = new Map<string, Exchange>();
  /**
   * Once the page has loaded it is what is captured: a main-frame navigation after that (a page
   * that reloads itself, or leaves on a timer) is refused and listed, so the screenshots are of
   * the page that loaded, not of whatever it turns into.
   */
  let loaded = false;
  await context.route("**/*", async (route: Route) => {
    const request = route.request();
    if (loaded && request.isNavigationRequest() && request.frame().parentFrame() === null) {
      refused.push({ url: request.url(), code: "NAVIGATION_AFTER_LOAD" });
      // 204 No Content: a browser stays on the page it has (an aborted navigation would put
      // its error page in the page's place).
      await route.fulfill({ status: 204 }).catch(() => undefined);
      return;
    }
    try {
      const waiting = request.isNavigationRequest() ? prefetched.get(request.url()) : undefined;
      if (waiting) prefetched.delete(request.url());
      const exchange =
        waiting ??
        (await fetchFollowing({
          url: request.url(),
          method: request.method(),
          headers: await request.allHeaders(),
          ...(request.postDataBuffer() && { body: request.postDataBuffer()! }),
        }));
      await route.fulfill({
        status: exchange.status,
        headers: fulfilHeaders(exchange),
        body: exchange.body,
      });
    } catch (error) {
      if (error instanceof CaptureError) overBudget = true;
      else if (error instanceof CaptureFetchError)
        refused.push({ url: request.url(), code: error.code });
      else throw error;
      await route.abort("blockedbyclient").catch(() => undefined);
    }
  });
  const first = await fetchFollowing({
    url,
    method: "GET",
    headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
  }).catch((error: unknown) => {
    throw error instanceof CaptureFetchError ? refusalOf(error) : error;
  });
  prefetched.set(first.url, first);
  const page = await context.newPage();
  // The recording starts before the page is asked for, so it shows the whole session.
  const frames: ScreencastFrame[] = [];
  // Frames go to disk one after another as they come; the last write is awaited at the end.
  let written: Promise<void> = Promise.resolve();
  const framesDir = t.recordTo;
  const cdp = framesDir ? await context.newCDPSession(page) : undefined;
  if (cdp && framesDir) {
    await mkdir(framesDir, { recursive: true });
    cdp.on("Page.screencastFrame", (frame) => {
      const file = join(framesDir, `frame-${String(frames.length).padStart(6, "0")}.jpg`);
      frames.push({ file, at: frame.metadata.timestamp ?? Date.now() / 1000 });
      const jpeg = Buffer.from(frame.data, "base64");
      written = written.then(() => writeFile(file, jpeg));
      void cdp
        .send("Page.screencastFrameAck", { sessionId: frame.sessionId })
        .catch(() => undefined);
    });
    await cdp.send("Page.startScreencast", {
      format: "jpeg",
      quality: 80,
      maxWidth: s.viewport.width,
      maxHeight: s.viewport.height,
    });
  }
  const response = await page
    .goto(first.url, { waitUntil: "load", timeout: t.left() })
    .catch((error: Error) => {
      if (/Timeout/i.test(error.message))
        throw new CaptureError(
          "CAPTURE_TIMEOUT",
          `the page did not finish loading: ${error.message}`,
        );
      throw new CaptureError("CAPTURE_FETCH_FAILED", error.message);
    });
  if (!response) throw new CaptureError("CAPTURE_FETCH_FAILED", `${url} gave no document`);
  loaded = true;
  await page
    .waitForLoadState("networkidle", { timeout: Math.min(3_000, t.left()) })
    .catch(() => undefined);
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  const shot = () =>
    page.screenshot({
      fullPage: true,
      clip: { x: 0, y: 0, width: s.viewport.width, height: Math.min(pageHeight, MAX_SHOT_HEIGHT) },
      timeout: t.left(),
    });
  const firstScreen = await page.screenshot({ timeout: t.left() });
  const load = await shot();
  // Once to the bottom, a screen at a time, so what loads on scrolling is in the second shot.
  await page.evaluate(async (max) => {
    const bottom = Math.min(document.documentElement.scrollHeight, max);
    for (let y = 0; y < bottom; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 100));
    }
    window.scrollTo(0, 0);
  }, MAX_SHOT_HEIGHT);
  await page
    .waitForLoadState("networkidle", { timeout: Math.min(2_000, t.left()) })
    .catch(() => undefined);
  const scrolled = await shot();
  if (cdp) await cdp.send("Page.stopScreencast").catch(() => undefined);
  await written;
  // A page cut short is not the page: nothing is notarised rather than part of it.
  if (overBudget)
    throw new CaptureError("CAPTURE_TOO_LARGE", `the page is larger than ${s.maxBytes} bytes`);
  const hops = exchanges
    .slice(0, exchanges.indexOf(first) + 1)
    .map((e) => ({ url: e.url, status: e.status }));
  const main = first;
  const hosts = [...new Set(exchanges.map((e) => new URL(e.url).hostname))];
  const dns = await Promise.all(
    hosts.map(async (host) => ({
      host,
      addresses: await lookup(host.replace(/^\[(.*)\]$/, "$1"), { all: true, verbatim: true }).then(
        (found) => found.map((a) => a.address),
        () => [],
      ),
    })),
  );
  return {
    requestedUrl: url,
    finalUrl: page.url(),
    title: await page.title(),
    pageHeight,
    ...(pageHeight > MAX_SHOT_HEIGHT && { screenshotsCutAt: MAX_SHOT_HEIGHT }),
    redirects: hops,
    mainDocument: {
      status: response.status(),
      ...(main?.remoteAddress && { remoteAddress: main.remoteAddress }),
      ...(main?.tls && { tls: main.tls }),
    },
    dns,
    browser: {
      name: "Chromium (headless)",
      version: browser.version(),
      userAgent: await page.evaluate(() => navigator.userAgent),
      viewport: s.viewport,
    },
    startedAt: t.startedAt,
    finishedAt: new Date().toISOString(),
    exchanges,
    refused,
    screenshots: { firstScreen, load, scrolled },
    ...(cdp && { frames }),
  };
}

function refusalOf(error: CaptureFetchError): CaptureError {
  // The main document's own time limit and the capture's end together: either is the limit.
  if (error.code === "TIMEOUT") return new CaptureError("CAPTURE_TIMEOUT", error.message);
  if (error.code === "SELF") return new CaptureError("CAPTURE_URL_SELF", error.message);
  if (error.code === "ADDRESS_NOT_PUBLIC")
    return new CaptureError("CAPTURE_URL_NOT_PUBLIC", error.message);
  if (error.code === "HOST_UNRESOLVED")
    return new CaptureError("CAPTURE_URL_UNRESOLVED", error.message);
  return new CaptureError("CAPTURE_FETCH_FAILED", error.message);
}
