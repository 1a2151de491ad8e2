export { createLogger } from "./logger";
export { Metrics, type LagSource } from "./metrics";
