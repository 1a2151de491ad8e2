import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";
import { PG_URL } from "./support/postgres";

/**
 * The system packages the tests use, checked before any test runs: without them the suite
 * would fail deep inside (a browser that does not start, a PDF that cannot be read). One line
 * names what is missing and how to install it.
 */
const NEEDED: { debian: string; present: () => boolean }[] = [
  {
    debian: "chromium",
    present: () => existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"),
  },
  { debian: "poppler-utils", present: () => onPath("pdftotext") },
  { debian: "unzip", present: () => onPath("unzip") },
  { debian: "openssl", present: () => onPath("openssl") },
  { debian: "ffmpeg", present: () => onPath("ffmpeg") && onPath("ffprobe") },
];

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function missingSystemPackages(): string[] {
  return NEEDED.filter((n) => !n.present()).map((n) => n.debian);
}

/**
 * Why the tests' PostgreSQL cannot be used, or undefined when it can: reached without a
 * password, its database there. Asked once, before the first test.
 */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
