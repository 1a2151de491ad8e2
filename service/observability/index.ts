export { createLogger } from "./logger";
export { Metrics, type LagSource } from "./metrics";
export { failpoint, type Failpoint } from "./failpoints";
