/** Exports for regulators: the eight data types, with receipts, a manifest, notarised. */
export { ExportAbortedError, writeExport, type ExportRequest, type ManifestEntry } from "./export";
export { verifyExportArchive, type ArchiveFinding, type ArchiveReport } from "./verify-archive";
