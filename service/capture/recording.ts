import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ScreencastFrame } from "./browser-capture";

/** The last frame stands this long: the session's end is seen, not cut at its first paint. */
const LAST_FRAME_SECONDS = 1;

/**
 * Encodes a capture's screencast as H.264 MP4 with ffmpeg (Debian's), each frame shown for as
 * long as the browser kept it on screen (the concat demuxer's durations, variable frame rate),
 * so the recording's clock is the session's.
 */
export async function encodeRecording(
  frames: readonly ScreencastFrame[],
  out: string,
  o: { ffmpeg: string; scratch: string },
): Promise<void> {
  if (frames.length === 0) throw new Error("the browser painted no frame to record");
  const dir = await mkdtemp(join(o.scratch, "frames-"));
  // Paths the service made (no quote in them), as the concat demuxer quotes them.
  const entry = (frame: ScreencastFrame) => `file '${frame.file}'`;
  try {
    const list: string[] = [];
    for (const [i, frame] of frames.entries()) {
      const next = frames[i + 1];
      const seconds = next ? Math.max(0.001, next.at - frame.at) : LAST_FRAME_SECONDS;
      list.push(entry(frame), `duration ${seconds.toFixed(3)}`);
    }
    // The concat demuxer reads the last frame's duration only if the frame is named again.
    list.push(entry(frames[frames.length - 1]!));
    await writeFile(join(dir, "frames.txt"), `${list.join("\n")}\n`);
    await promisify(execFile)(
      o.ffmpeg,
      [
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        join(dir, "frames.txt"),
        "-vf",
        "scale=trunc(iw/2)*2:trunc(ih/2)*2",
        "-fps_mode",
        "vfr",
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-movflags",
        "+faststart",
        "-y",
        out,
      ],
      { timeout: 120_000 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
