import { Worker } from "node:worker_threads";

/**
 * Checkpoints SQLite write-ahead logs from a worker thread.
 *
 * WARNING: SQLite's automatic checkpoint runs inside whichever commit crosses the WAL's size
 * threshold, and it fsyncs the WAL and the database file. The driver is synchronous, so those
 * fsyncs stall the event loop: with small group commits under steady load the threshold is
 * crossed every second or so, and every request in flight waits for the disk (tens to hundreds
 * of milliseconds on a busy one). With automatic checkpoints off on the service's connection,
 * this worker's own connection checkpoints PASSIVE every `everyMs`: it never blocks a writer or
 * a reader, and its fsyncs happen off the event loop.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(files: readonly string[], everyMs: number, onError: (message: string) => void) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { files, everyMs, libsql: require.resolve("libsql") },
    });
    this.worker.on("message", (m: { error?: string }) => m.error && onError(m.error));
    this.worker.on("error", (error) => onError(String(error)));
    this.worker.unref();
  }

  /**
   * Asks the worker to close its connections and end by itself. Never `terminate()`: the driver
   * is a neon module, and a worker terminated while it opens a connection aborts the whole
   * process (neon asserts that no exception is pending; termination is one).
   */
  async stop(): Promise<void> {
    if (this.exited) return this.exited;
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.ref(); // the caller waits for the end: keep the process up until it comes
    this.worker.postMessage("stop");
    return this.exited;
  }

  private exited: Promise<void> | undefined;
}

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const databases = workerData.files.map((file) => {
  const db = new Database(file);
  db.exec("pragma busy_timeout = 1000");
  return db;
});
const timer = setInterval(() => {
  for (const db of databases) {
    try {
      db.exec("pragma wal_checkpoint(PASSIVE)");
    } catch (error) {
      parentPort.postMessage({ error: String(error) });
    }
  }
}, workerData.everyMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  for (const db of databases) db.close();
  parentPort.close(); // nothing left to run: the thread ends on its own
});
`;
