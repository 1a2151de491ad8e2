import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The package's own directory (where package.json is), found from this file's: the service
 * runs from its TypeScript sources in development and from `dist/` when built, and files it
 * ships (examples, the verification page's script) are found from here in both.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
