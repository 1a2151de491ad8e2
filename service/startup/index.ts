/** What a start checks before it creates anything: ports free, the data directory its own. */
export { assertPortsFree } from "./ports";
export { DataDirLock } from "./data-dir-lock";
export { StartRefusal } from "./refusal";
