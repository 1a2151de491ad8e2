/**
 * The verifier's edge to a chain: `ChainReader`s over an ethers provider or a JSON-RPC URL, in
 * Node and in browsers. The verifier itself (service/verify) does no I/O and is handed one.
 */
export { providerChainReader, rpcChainReader } from "./rpc-chain-reader";
