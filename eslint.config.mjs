import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "artifacts/", "cache/", "dist/", "typechain-types/", "data/"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [],
          patterns: [
            {
              // (The SD-JWT project's own package is named so; ours never are.)
              group: ["**/utils", "**/helpers", "!@sd-jwt/utils"],
              message: "Name modules after the domain concept they own.",
            },
          ],
        },
      ],
    },
  },
  {
    // The pure core runs in browsers too: no Node built-ins, no I/O.
    files: [
      "service/merkle/**",
      "service/errors/**",
      "service/anchoring/head.ts",
      "service/records/**",
      "service/receipts/receipt.ts",
      "service/receipts/build.ts",
      "service/receipts/intake-statement.ts",
      "service/receipts/json-schema.ts",
      "service/witnesses/rfc3161.ts",
      "service/verify/**",
      "service/disclosure/**",
      "service/certificate/certificate.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "crypto", "path", "http"],
              message: "The core is pure and isomorphic.",
            },
            {
              // The chain, the store and the HTTP stack are edges: the core is handed readers.
              group: [
                "**/chain",
                "**/chain/**",
                "**/chain-reader",
                "**/chain-reader/**",
                "**/storage",
                "**/storage/**",
                "express",
                "pg",
                "libsql",
                "kysely",
              ],
              message: "The core does no I/O: pass it a reader instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // The verification page's script runs in browsers: no Node built-ins. It is the page's edge,
    // so it may read the chain (service/chain-reader) and hand the reader to the verifier.
    files: ["service/verify-page/app.ts", "service/portal/app.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "crypto", "path", "http"],
              message: "The page's script runs in browsers.",
            },
          ],
        },
      ],
    },
  },
);
