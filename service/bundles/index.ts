/** Court bundles: a record's or a case's evidence, checkable without the service. */
export { BUNDLE_FORMAT, writeBundle, type BundleDeps, type BundleSubject } from "./bundle";
