/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, by design */
// Preloaded (node -r) into a built service to run it as after `npm ci --omit=dev`: a module
// the lockfile marks as needed by devDependencies only fails to load, as if not installed.
const Module = require("node:module");
const { join, relative, sep } = require("node:path");
const root = join(__dirname, "..", "..");
const packages = require(join(root, "package-lock.json")).packages;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = resolve.call(this, request, ...rest);
  const path = relative(root, file).split(sep);
  // The innermost package the file belongs to: node_modules/a/node_modules/@b/c/…
  let owner;
  for (let i = 0; i < path.length; i++)
    if (path[i] === "node_modules" && path[i + 1])
      owner = path.slice(0, i + (path[i + 1].startsWith("@") ? 3 : 2)).join("/");
  if (owner && packages[owner]?.dev) {
    const error = new Error(`Cannot find module '${request}' (${owner} is a devDependency)`);
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return file;
};
