import { mkdir, open, readFile, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

/** One block of the embedded chain: what is needed to mine it again, identically. */
export const JournalEntry = z.object({
  number: z.number().int().positive(),
  timestamp: z.number().int().positive(),
  txs: z.array(z.string().regex(/^0x[0-9a-f]*$/)),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * The embedded chain's write-ahead log: one JSON line per block, appended and fsynced before
 * the block is mined, so a crash between mining and archiving loses nothing. Once a block is in
 * the archive its line is redundant; the journal is emptied at each start. (A journal from
 * before the archive holds every block: replaying its raw transactions with their timestamps
 * on the same genesis reproduces every block hash, and the first start archives them.)
 */
export class BlockJournal {
  constructor(readonly file: string) {}

  /** Reads every entry, ignoring a torn last line (and, with `repair`, cutting it off). */
  async read(options: { repair: boolean } = { repair: true }): Promise<JournalEntry[]> {
    let text = await readFile(this.file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    if (text.length > 0 && !text.endsWith("\n")) {
      // A line without its newline is an append a crash interrupted before its fsync returned:
      // that block was never mined, so dropping it is exact (and later appends stay parseable).
      text = text.slice(0, text.lastIndexOf("\n") + 1);
      if (options.repair) await truncate(this.file, Buffer.byteLength(text));
    }
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line, i) => {
        try {
          return JournalEntry.parse(JSON.parse(line));
        } catch (error) {
          throw new Error(`chain journal ${this.file} is corrupt at line ${i + 1}`, {
            cause: error,
          });
        }
      });
  }

  /** Empties the journal (every entry it held is archived). */
  async clear(): Promise<void> {
    await truncate(this.file, 0).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  async append(entry: JournalEntry): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const handle = await open(this.file, "a");
    try {
      await handle.appendFile(JSON.stringify(entry) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
