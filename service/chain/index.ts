/** The chain at the edge: the embedded, persisted Hardhat chain and read-only JSON-RPC. */
export { EmbeddedChain, EMBEDDED_CHAIN_ID } from "./embedded-chain";
export { BlockJournal, JournalEntry } from "./journal";
export {
  connectEmbedded,
  connectExternal,
  fundOnEmbedded,
  type ChainConnection,
  type EmbeddedOptions,
} from "./connect";
export {
  answerJsonRpc,
  rpcCors,
  rpcHandlers,
  serveReadOnlyRpc,
  type Eip1193,
  type PublicRpcOptions,
} from "./rpc-server";
export { RpcRefusal, MAX_RPC_BATCH, type RpcRefusalCode } from "./rpc-guard";
