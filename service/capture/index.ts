/**
 * Web capture (网页取证): the service itself fetches and records a page, in a browser that never
 * reaches the network, and notarises what it recorded as one evidence record.
 */
export {
  capturePage,
  CaptureError,
  type CaptureResult,
  type CaptureSettings,
} from "./browser-capture";
export {
  CaptureDesk,
  captureFacts,
  captureRecord,
  packageCapture,
  readArtifact,
  type Artifact,
  type CaptureRequest,
  type CaptureView,
} from "./capture-desk";
export { writeWarc } from "./warc";
