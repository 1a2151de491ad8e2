/**
 * What every command-line tool shares: one table of exit codes and one way to run `main`.
 *
 *   0  the answer is yes (valid, clean, done)
 *   1  the answer is no (invalid, discrepancies found), the reason named on the output
 *   2  no answer: bad arguments, an unreadable file, an unreachable RPC, a broken set-up
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../service/config";
import { LedgerError } from "../service/errors";

export const EXIT = { ok: 0, no: 1, unanswered: 2 } as const;

/** A verdict's exit code: the three verdicts of a verifier map onto the three exits. */
export const VERDICT_EXIT = { valid: EXIT.ok, invalid: EXIT.no, unverifiable: EXIT.unanswered };

/** The caller's arguments are wrong: printed with "usage: " and the tool's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The tool's usage text, printed after the message when given. */
    readonly usage?: string,
  ) {
    super(message);
  }
}

/**
 * A tool's arguments, strictly: `--help` (or `-h`) prints `usage` to stdout and answers
 * undefined (the tool exits 0 having done nothing, no data directory made); an unknown option
 * or a missing value is a UsageError carrying `usage` (exit 2).
 */
export function parseCommandLine<const C extends ParseArgsConfig>(
  usage: string,
  config: C,
): ReturnType<typeof parseArgs<C>> | undefined {
  const args = config.args ?? process.argv.slice(2);
  if (args.some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(usage);
    return undefined;
  }
  try {
    // The same config with the same arguments parseArgs would read by itself.
    return parseArgs({ ...config, args }) as ReturnType<typeof parseArgs<C>>;
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/**
 * Runs a tool's `main` and sets the exit code it returns (none: 0). A failure is one line on
 * stderr, never a stack: exit 2 for what the caller can fix (usage, configuration, a coded
 * refusal), 1 for anything else, which is a bug to report. A verifier passes
 * `{ failuresUnanswered: true }`: whatever stops it, it has not judged, so never exit 1.
 */
export function runMain(
  main: () => Promise<number | void>,
  options: { failurePrefix?: string; failuresUnanswered?: boolean } = {},
): void {
  main().then(
    (code) => (process.exitCode = code ?? EXIT.ok),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `${error instanceof UsageError ? "usage: " : (options.failurePrefix ?? "")}${message}\n`,
      );
      if (error instanceof UsageError && error.usage) process.stderr.write(`\n${error.usage}`);
      const fixable =
        error instanceof UsageError || error instanceof ConfigError || error instanceof LedgerError;
      process.exitCode = fixable || options.failuresUnanswered ? EXIT.unanswered : EXIT.no;
    },
  );
}
