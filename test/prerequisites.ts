import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

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
