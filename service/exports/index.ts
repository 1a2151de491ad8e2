/** Exports for regulators: the eight data types, with receipts, a manifest, notarised. */
export { writeExport, type ExportRequest } from "./export";
export { ExportAbortedError, HashingWriter, NotarisedArchive } from "./archive";
export {
  ExportManifest,
  MANIFEST_FORMAT,
  manifestJsonSchema,
  parseManifest,
  type ManifestEntry,
} from "./manifest";
export { verifyExportArchive, type ArchiveFinding, type ArchiveReport } from "./verify-archive";
