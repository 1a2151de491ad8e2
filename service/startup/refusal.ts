/**
 * A start the operator must fix before the service can run: the one line printed says what and
 * where, with a stable code, and the process exits 2 (as for a bad configuration).
 */
export class StartRefusal extends Error {
  constructor(
    readonly code: "PORT_IN_USE" | "DATA_DIR_LOCKED",
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
