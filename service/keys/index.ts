/** Secrets at the edge: the operator's signing key and the API keys, both from files. */
export { ApiKeys, newApiKey, ROLES, type ApiKey, type Role } from "./api-keys";
export { makeLeafSigner, type LeafSigner } from "./leaf-signer";
export { loadOperatorKey } from "./operator-key";
