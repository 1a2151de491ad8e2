import { Worker } from "node:worker_threads";

/**
 * A worker thread that calls a native module (libsql, secp256k1), ended only by asking it.
 *
 * WARNING: a thread torn down while it is inside a native call aborts the whole process
 * (SIGABRT): the addon finds an exception pending where it asserts none is (neon, node-addon-
 * api). `worker.terminate()` tears a thread down mid-call, and so does the process's exit,
 * which ends every thread still running (measured: 9 aborts in 60 exits with four checkpointing
 * threads). So a native thread is never terminated: `end()` asks it to release what it holds
 * and return, and when the process exits each one still running is asked the same and waited
 * for (synchronously: an exit handler cannot await) before the exit goes on.
 *
 * The thread's `body` runs after a prelude that defines `parentPort`, `workerData` and
 * `whenAskedToEnd(release)`; a message listener of its own must ignore the message `"end"`.
 */
export class NativeThread {
  readonly worker: Worker;
  /** Set to 1 by the thread once it has let go of its native resources, or by its exit. */
  private readonly released: Int32Array;
  private readonly gone: Promise<void>;

  constructor(body: string, workerData: Record<string, unknown>) {
    const released = new SharedArrayBuffer(4);
    this.released = new Int32Array(released);
    this.worker = new Worker(PRELUDE + body, {
      eval: true,
      workerData: { ...workerData, released },
    });
    this.worker.unref();
    // Not events.once: it rejects on the thread's "error", which its owner hears and reports.
    this.gone = new Promise<void>((resolve) =>
      this.worker.once("exit", () => {
        Atomics.store(this.released, 0, 1);
        running.delete(this);
        resolve();
      }),
    );
    running.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.on("exit", NativeThread.endAllNow);
    }
  }

  /** Asks the thread to release what it holds and return; resolves once it has. */
  async end(): Promise<void> {
    if (running.has(this)) {
      this.worker.ref(); // the caller waits for the end: keep the process up until it comes
      this.worker.postMessage(END);
    }
    await this.gone;
  }

  private static endAllNow(): void {
    const threads = [...running];
    for (const thread of threads) thread.worker.postMessage(END);
    for (const thread of threads) Atomics.wait(thread.released, 0, 0, EXIT_WAIT_MS);
  }
}

const END = "end";
const running = new Set<NativeThread>();
let exitHooked = false;

/** A thread busy in a checkpoint is done within its busy timeout (1 s): five is ample. */
const EXIT_WAIT_MS = 5_000;

const PRELUDE = `
const { parentPort, workerData } = require("node:worker_threads");
const releases = [];
function whenAskedToEnd(release) { releases.push(release); }
function markReleased() {
  const released = new Int32Array(workerData.released);
  Atomics.store(released, 0, 1);
  Atomics.notify(released, 0);
}
// A thread that fails ends too: the process's exit must not wait for it.
process.on("exit", markReleased);
parentPort.on("message", (message) => {
  if (message !== ${JSON.stringify(END)}) return;
  for (const release of releases.splice(0)) release();
  markReleased();
  parentPort.close(); // nothing left to run: the thread returns on its own
});
`;
