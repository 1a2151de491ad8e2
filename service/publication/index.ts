/** What the platform publishes: the contact directory and the publication feed, redacted. */
export {
  PUBLICATION_FEED_FORMAT,
  publicView,
  toDirectoryVersions,
  toPublications,
  type DirectoryVersion,
  type Publication,
} from "./publication";
export { maskText, PERSONAL_KEYS, publicName } from "./redaction";
export { renderDirectoryHtml, renderPublicationsHtml } from "./html";
