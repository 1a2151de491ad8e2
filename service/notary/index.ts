export { Notary, type LedgerInfo, type NotaryDeps } from "./notary";
export { AnchoringPipeline, type PipelineOptions, type PipelineState } from "./pipeline";
export { linkedRecords } from "./linked-records";
export { searchRecords } from "./search";
