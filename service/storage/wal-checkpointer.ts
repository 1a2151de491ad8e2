import { NativeThread } from "../threads/native-thread";

/**
 * Checkpoints SQLite write-ahead logs from a worker thread.
 *
 * WARNING: SQLite's automatic checkpoint runs inside whichever commit crosses the WAL's size
 * threshold, and it fsyncs the WAL and the database file. The driver is synchronous, so those
 * fsyncs stall the event loop: with small group commits under steady load the threshold is
 * crossed every second or so, and every request in flight waits for the disk (tens to hundreds
 * of milliseconds on a busy one). With automatic checkpoints off on the service's connection,
 * this worker's own connection checkpoints PASSIVE every `everyMs`: it never blocks a writer or
 * a reader, and its fsyncs happen off the event loop. The driver is native: the thread is a
 * NativeThread, ended by asking.
 */
export class WalCheckpointer {
  private readonly thread: NativeThread;

  constructor(files: readonly string[], everyMs: number, onError: (message: string) => void) {
    this.thread = new NativeThread(BODY, { files, everyMs, libsql: require.resolve("libsql") });
    this.thread.worker.on("message", (m: { error?: string }) => m.error && onError(m.error));
    this.thread.worker.on("error", (error) => onError(String(error)));
  }

  stop(): Promise<void> {
    return this.thread.end();
  }
}

const BODY = `
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
whenAskedToEnd(() => {
  clearInterval(timer);
  for (const db of databases) db.close();
});
`;
