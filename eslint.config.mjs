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
              group: ["**/utils", "**/helpers"],
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
      "service/verify/**",
      "service/verify-page/app.ts",
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
          ],
        },
      ],
    },
  },
);
