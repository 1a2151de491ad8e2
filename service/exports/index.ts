/** Exports for regulators: the eight data types, with receipts, a manifest, notarised. */
export { writeExport, type ExportRequest, type ManifestEntry } from "./export";
