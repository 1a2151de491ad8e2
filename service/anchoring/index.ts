export { headOfBatches, nextHead, ZERO_HEAD, type OnChainBatch } from "./head";
