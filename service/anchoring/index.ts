/** Anchoring: batches to the EvidenceLedger contract, and the contract's head chain off-chain. */
export { headOfBatches, nextHead, ZERO_HEAD, type OnChainBatch } from "./head";
export { Anchorer, type AnchorerOptions, type AnchorOutcome } from "./anchorer";
export {
  LedgerChain,
  type Broadcast,
  type OnChainAnchoring,
  type SignedAnchor,
} from "./ledger-chain";
export {
  deployLedger,
  deployLedgerSigned,
  loadDeployment,
  saveDeployment,
  DeploymentSchema,
  type Deployment,
} from "./deployment";
export { fundingOf, type Funding } from "./funding";
export { AnchoringPipeline, type PipelineOptions, type PipelineState } from "./pipeline";
