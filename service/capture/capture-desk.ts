import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiKey } from "../keys";
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
  /** Captures run at once (`CAPTURE_CONCURRENCY`); each is a browser. */
  concurrency: number;
  /** Captures waiting beyond those running; more are refused (503). */
  maxQueued: number;
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
  onDone?: (view: CaptureView, requester: ApiKey) => void;
}

/** What a court reads of how the page was obtained, beside the WARC: everything but bodies. */
export function captureFacts(result: CaptureResult): object {
  const facts = Object.fromEntries(
    Object.entries(result).filter(([k]) => k !== "exchanges" && k !== "screenshots"),
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
  };
}

/** The evidence record of a capture: its `collection` block is the service's, never a caller's. */
export function captureRecord(
  request: CaptureRequest,
  result: CaptureResult,
  collector: string,
): object {
  const ip = result.mainDocument.remoteAddress?.replace(/^::ffff:/, "");
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
          ...(ip && { ip }),
        },
        capturedAt: result.startedAt,
      },
    },
  };
}

/**
 * Captures asked for through the API: a bounded queue, at most `concurrency` browsers at once,
 * each capture notarised as one evidence record or failed with a code (a failed capture
 * notarises nothing). The queue and the states live in this replica's memory: a capture in
 * flight when the service stops is lost (the caller asks again); what was notarised stays.
 */
export class CaptureDesk {
  private readonly views = new Map<string, { view: CaptureView; requester: ApiKey }>();
  private readonly waiting: { id: string; request: CaptureRequest }[] = [];
  private running = 0;

  constructor(private readonly o: CaptureDeskOptions) {}

  /** Queues a capture; undefined when the queue is full. */
  request(request: CaptureRequest, requester: ApiKey): CaptureView | undefined {
    if (this.waiting.length >= this.o.maxQueued) return undefined;
    const view: CaptureView = {
      id: randomUUID(),
      url: request.url,
      state: "queued",
      requestedAt: new Date().toISOString(),
    };
    this.views.set(view.id, { view, requester });
    this.waiting.push({ id: view.id, request });
    this.next();
    return { ...view };
  }

  /** A capture's state, to the key that asked for it or a platform key. */
  get(id: string, key: ApiKey): CaptureView | undefined {
    const entry = this.views.get(id);
    if (!entry || (entry.requester.id !== key.id && key.role !== "platform")) return undefined;
    return { ...entry.view };
  }

  private next(): void {
    while (this.running < this.o.concurrency && this.waiting.length > 0) {
      const { id, request } = this.waiting.shift()!;
      this.running++;
      void this.capture(id, request).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async capture(id: string, request: CaptureRequest): Promise<void> {
    const { view, requester } = this.views.get(id)!;
    view.state = "capturing";
    view.startedAt = new Date().toISOString();
    const dir = await mkdtemp(join(this.o.tempDir, "capture-"));
    try {
      const result = await capturePage(request.url, this.o.settings, {
        record: request.scroll === true,
      });
      const artifacts = await this.writeArtifacts(dir, result);
      const record = captureRecord(request, result, this.o.collector);
      const { id: recordId } = await this.o.notarise(record, artifacts, requester);
      view.recordId = recordId;
      view.state = "notarised";
    } catch (error) {
      view.state = "failed";
      view.error =
        error instanceof CaptureError
          ? { code: error.code, message: error.message }
          : {
              code: (error as { code?: string }).code ?? "CAPTURE_FAILED",
              message: (error as Error).message ?? String(error),
            };
    } finally {
      view.finishedAt = new Date().toISOString();
      await rm(dir, { recursive: true, force: true });
      this.o.onDone?.({ ...view }, requester);
    }
  }

  private async writeArtifacts(dir: string, result: CaptureResult): Promise<Artifact[]> {
    const file = (name: string, mediaType: string) => ({ name, mediaType, path: join(dir, name) });
    const warc = file("page.warc.gz", "application/warc");
    await writeWarc(warc.path, result.exchanges, {
      software: `evidence-notary capture; ${result.browser.name} ${result.browser.version}`,
      format: "WARC File Format 1.1",
      isPartOf: result.requestedUrl,
      capturedAt: result.startedAt,
    });
    const load = file("screenshot-load.png", "image/png");
    const scrolled = file("screenshot-scrolled.png", "image/png");
    const facts = file("capture.json", "application/json");
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
    const artifacts = [warc, load, scrolled, facts, wacz];
    if (result.frames) {
      const recording = file("recording.mp4", "video/mp4");
      await encodeRecording(result.frames, recording.path, { ffmpeg: this.o.ffmpeg, scratch: dir });
      artifacts.push(recording);
    }
    return artifacts;
  }
}

/** Streams an artifact's bytes (for the content store). */
export const readArtifact = (artifact: Artifact) => createReadStream(artifact.path);
