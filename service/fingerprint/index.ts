/** Fingerprints at the edge: streamed SHA-256 of uploads, native hashing for hot paths. */
export {
  DigestOnlyStorage,
  HashingStorage,
  type FingerprintedFile,
  type UploadedFile,
} from "./hashing-storage";
export { nativeSha256 } from "./native-sha256";
