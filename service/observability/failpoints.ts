/**
 * Named crash points for crash-safety tests: `NOTARY_FAILPOINTS=after-batch-cut` makes the
 * process kill itself (SIGKILL, no cleanup, as a power cut would) when it reaches that point.
 * Read once at start; with the variable unset this is a no-op.
 */
const armed = new Set((process.env.NOTARY_FAILPOINTS ?? "").split(",").filter(Boolean));

export type Failpoint =
  | "after-file-stored"
  | "after-batch-cut"
  | "after-anchor-signed"
  | "after-anchor-sent"
  | "after-intake-commit";

export function failpoint(name: Failpoint): void {
  if (armed.has(name)) process.kill(process.pid, "SIGKILL");
}
