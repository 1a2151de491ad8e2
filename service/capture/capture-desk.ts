import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiKey } from "../keys";
import type { CaptureStore, CaptureTable } from "../storage";
import {
  capturePage,
  CaptureError,
  type CaptureResult,
  type CaptureSettings,
} from "./browser-capture";
import { writeResourceWarc, writeWarc } from "./warc";
import { writeWacz } from "./wacz";
import { encodeRecording } from "./recording";

export interface CaptureRequest {
  url: string;
  caseRef?: string;
  note?: string;
  scroll?: boolean;
  /**
   * The page may show personal data (an individual merchant's name, a buyer's review): every
   * file the capture makes is then marked personal (DESIGN §7), kept for the keeping period,
   * shown to the requester, the platform and a regulator only, and erasable; its digests stay.
   */
  personal?: boolean;
}

export type CaptureState = "queued" | "capturing" | "notarised" | "failed";

export interface CaptureView {
  id: string;
  url: string;
  state: CaptureState;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The evidence record the capture was notarised as. */
  recordId?: string;
  error?: { code: string; message: string };
}

/** A file the capture made, ready to be notarised with its record. */
export interface Artifact {
  name: string;
  mediaType: string;
  path: string;
}

export interface CaptureDeskOptions {
  settings: CaptureSettings;
  /** Where captures wait and are claimed (the database every replica shares). */
  store: CaptureStore;
  /** The requester's key as it is now: a key revoked while its capture waited gets none. */
  keyOf: (id: string) => Promise<ApiKey | undefined>;
  /** Captures run at once on this replica (`CAPTURE_CONCURRENCY`); each is a browser. */
  concurrency: number;
  /** Captures waiting; more are refused (503). */
  maxQueued: number;
  /** How often this replica looks for captures to run. */
  pollMs: number;
  /** Where a capture's files are written before they are stored. */
  tempDir: string;
  /** Debian's ffmpeg, which encodes a capture's screen recording (`CAPTURE_FFMPEG`). */
  ffmpeg: string;
  /** Who the certificate names as collector: the service (`ISSUER_NAME`). */
  collector: string;
  /** Notarises the evidence record with its files, as submitted by `key`. */
  notarise: (
    record: object,
    artifacts: readonly Artifact[],
    key: ApiKey,
  ) => Promise<{ id: string }>;
  /** Told when a capture ends, notarised or failed (the `capture.done` webhook). */
  onDone?: (view: CaptureView, requesterKey: string) => void;
}

/** A replica that dies mid-capture leaves it to another; after this many tries it fails. */
const MAX_ATTEMPTS = 2;

const viewOf = (row: CaptureTable): CaptureView => ({
  id: row.id,
  url: row.url,
  state: row.state,
  requestedAt: row.requested_at,
  ...(row.started_at && { startedAt: row.started_at }),
  ...(row.finished_at && { finishedAt: row.finished_at }),
  ...(row.record_id && { recordId: row.record_id }),
  ...(row.error_code && { error: { code: row.error_code, message: row.error_message ?? "" } }),
});

/** What a court reads of how the page was obtained, beside the WARC: everything but bodies. */
export function captureFacts(result: CaptureResult): object {
  // Bodies, images and frames are files of their own; a frame's path is this machine's.
  const facts = Object.fromEntries(
    Object.entries(result).filter(([k]) => !["exchanges", "screenshots", "frames"].includes(k)),
  );
  return {
    format: "evidence-notary/capture/v1",
    ...facts,
    exchanges: result.exchanges.map((e) => ({
      url: e.url,
      method: e.method,
      status: e.status,
      bytes: e.body.length,
      startedAt: e.startedAt,
      ...(e.remoteAddress && { remoteAddress: e.remoteAddress }),
    })),
    ...(result.frames && { recording: { frames: result.frames.length } }),
  };
}

/**
 * The evidence record of a capture: its `collection` block is the service's, never a caller's.
 * Its environment is the service's browser; the address the page came from is the site's, not
 * the environment's, and stands in `capture.json` and the WARC (`WARC-IP-Address`).
 */
export function captureRecord(
  request: CaptureRequest,
  result: CaptureResult,
  collector: string,
  artifacts: readonly Pick<Artifact, "name">[],
): object {
  return {
    kind: "evidence",
    metadata: {
      role: "infringement_capture",
      phase: "before",
      ...(request.caseRef && { caseRef: request.caseRef }),
      description:
        request.note ??
        `网页取证 Web capture of ${result.finalUrl}${result.title ? ` (${result.title.slice(0, 500)})` : ""}`,
      collection: {
        collector: { name: collector },
        method: "service_capture",
        environment: {
          tool: `${result.browser.name}, driven by playwright-core`,
          toolVersion: result.browser.version,
          url: result.requestedUrl,
        },
        capturedAt: result.startedAt,
      },
    },
    ...(request.personal && { personalFiles: artifacts.map((a) => a.name) }),
  };
}

/**
 * Captures asked for through the API: queued in the database, claimed by any replica with room
 * (at most `concurrency` browsers each), each notarised as one evidence record or failed with a
 * code (a failed capture notarises nothing). A replica that stops mid-capture leaves it to be
 * claimed again once its hold ends; a capture that was notarised just before its replica died
 * may then be notarised twice (at least once, never lost).
 */
export class CaptureDesk {
  private running = 0;
  /** Each running capture's abort: stopping closes their browsers. */
  private readonly aborts = new Set<AbortController>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly o: CaptureDeskOptions) {}

  /** Queues a capture; undefined when the queue is full. */
  async request(request: CaptureRequest, requester: ApiKey): Promise<CaptureView | undefined> {
    if ((await this.o.store.waiting()) >= this.o.maxQueued) return undefined;
    const { url, ...rest } = request;
    const row: CaptureTable = {
      id: randomUUID(),
      url,
      request: JSON.stringify(rest),
      requester_key: requester.id,
      state: "queued",
      attempts: 0,
      hold_until: null,
      requested_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      record_id: null,
      error_code: null,
      error_message: null,
    };
    await this.o.store.add(row);
    void this.poll();
    return viewOf(row);
  }

  /** A capture's state, to the key that asked for it or a platform key, from any replica. */
  async get(id: string, key: ApiKey): Promise<CaptureView | undefined> {
    const row = await this.o.store.get(id);
    if (!row || (row.requester_key !== key.id && key.role !== "platform")) return undefined;
    return viewOf(row);
  }

  start(): void {
    this.stopped = false;
    this.timer ??= setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
    void this.poll();
  }

  /** Takes no more captures; those running finish or are taken again by another replica. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const abort of this.aborts) abort.abort();
  }

  private poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.polling ??= (async () => {
      try {
        const now = new Date();
        await this.o.store.expire(now.toISOString(), MAX_ATTEMPTS);
        const hold = new Date(now.getTime() + this.o.settings.timeoutMs * 2 + 30_000);
        const rows = await this.o.store.claim(
          now.toISOString(),
          this.o.concurrency - this.running,
          hold.toISOString(),
          MAX_ATTEMPTS,
        );
        for (const row of rows) {
          this.running++;
          void this.capture(row).finally(() => {
            this.running--;
            void this.poll();
          });
        }
      } catch {
        // The database did not answer: the next poll tries again.
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  private async capture(row: CaptureTable): Promise<void> {
    const request = { url: row.url, ...(JSON.parse(row.request) as Omit<CaptureRequest, "url">) };
    const dir = await mkdtemp(join(this.o.tempDir, "capture-"));
    const abort = new AbortController();
    this.aborts.add(abort);
    let outcome: Pick<CaptureTable, "state" | "record_id" | "error_code" | "error_message">;
    try {
      const requester = await this.o.keyOf(row.requester_key);
      if (!requester)
        throw new CaptureError(
          "CAPTURE_KEY_REVOKED",
          "the key that asked for the capture was revoked",
        );
      const result = await capturePage(request.url, this.o.settings, {
        ...(request.scroll === true && { recordTo: join(dir, "frames") }),
        signal: abort.signal,
      });
      const artifacts = await packageCapture(dir, result, { ffmpeg: this.o.ffmpeg });
      const record = captureRecord(request, result, this.o.collector, artifacts);
      const { id: recordId } = await this.o.notarise(record, artifacts, requester);
      outcome = { state: "notarised", record_id: recordId, error_code: null, error_message: null };
    } catch (error) {
      outcome = {
        state: "failed",
        record_id: null,
        error_code:
          error instanceof CaptureError
            ? error.code
            : ((error as { code?: string }).code ?? "CAPTURE_FAILED"),
        error_message: (error as Error).message ?? String(error),
      };
    } finally {
      this.aborts.delete(abort);
      await rm(dir, { recursive: true, force: true });
    }
    // Interrupted by this replica stopping: left as it is, for the next to take.
    if (abort.signal.aborted) return;
    const finishedAt = new Date().toISOString();
    const kept = await this.o.store
      .finish(row.id, row.attempts, { ...outcome, finished_at: finishedAt })
      .catch(() => false);
    if (kept)
      this.o.onDone?.(
        viewOf({ ...row, ...outcome, finished_at: finishedAt, hold_until: null }),
        row.requester_key,
      );
  }
}

/**
 * Writes what a capture notarises into `dir`: the WARC, the screenshots, the facts, the WACZ,
 * and the recording when there are frames.
 */
export async function packageCapture(
  dir: string,
  result: CaptureResult,
  o: { ffmpeg: string },
): Promise<Artifact[]> {
  const file = (name: string, mediaType: string) => ({ name, mediaType, path: join(dir, name) });
  const warc = file("page.warc.gz", "application/warc");
  await writeWarc(warc.path, result.exchanges, {
    software: `evidence-notary capture; ${result.browser.name} ${result.browser.version}`,
    format: "WARC File Format 1.1",
    isPartOf: result.requestedUrl,
    capturedAt: result.startedAt,
  });
  const first = file("screenshot-first-screen.png", "image/png");
  const load = file("screenshot-load.png", "image/png");
  const scrolled = file("screenshot-scrolled.png", "image/png");
  const facts = file("capture.json", "application/json");
  await writeFile(first.path, result.screenshots.firstScreen);
  await writeFile(load.path, result.screenshots.load);
  await writeFile(scrolled.path, result.screenshots.scrolled);
  await writeFile(facts.path, `${JSON.stringify(captureFacts(result), null, 2)}\n`);
  // The same capture as a replay tool opens it: the WARC, the screenshots, the page.
  const shots = join(dir, "screenshots.warc.gz");
  await writeResourceWarc(shots, [
    {
      uri: `urn:screenshot:load:${result.finalUrl}`,
      mediaType: "image/png",
      bytes: result.screenshots.load,
      date: result.finishedAt,
    },
    {
      uri: `urn:screenshot:scrolled:${result.finalUrl}`,
      mediaType: "image/png",
      bytes: result.screenshots.scrolled,
      date: result.finishedAt,
    },
  ]);
  const wacz = file("capture.wacz", "application/wacz");
  await writeWacz(wacz.path, {
    warcs: [
      { name: "data.warc.gz", path: warc.path },
      { name: "screenshots.warc.gz", path: shots },
    ],
    pages: [{ url: result.finalUrl, title: result.title, ts: result.startedAt }],
    software: `evidence-notary capture; ${result.browser.name} ${result.browser.version}`,
    created: result.finishedAt,
  });
  const artifacts = [warc, first, load, scrolled, facts, wacz];
  if (result.frames) {
    const recording = file("recording.mp4", "video/mp4");
    await encodeRecording(result.frames, recording.path, { ffmpeg: o.ffmpeg, scratch: dir });
    artifacts.push(recording);
  }
  return artifacts;
}

/** Streams an artifact's bytes (for the content store). */
export const readArtifact = (artifact: Artifact) => createReadStream(artifact.path);
