import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-ethers";
import "@nomicfoundation/hardhat-chai-matchers";
import "@typechain/hardhat";
import { readFileSync } from "node:fs";

// The compiler ships in the npm `solc` package (pinned in package.json), so builds never
// download a compiler: machines without internet access compile exactly what CI compiles.
const SOLC_VERSION = "0.8.28";

subtask(
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  async (args: { solcVersion: string }, _hre, runSuper) => {
    if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: require.resolve("solc/soljson.js"),
      isSolcJs: true,
      version: SOLC_VERSION,
      longVersion: solc.version().replace(/\.Emscripten\.clang$/, ""),
    };
  },
);

/**
 * A real network is configured only from the environment: `DEPLOY_RPC_URL` and
 * `DEPLOY_KEY_FILE` (a file holding the 0x-prefixed private key). Keys never live in the repo.
 */
function externalNetwork(): NetworkUserConfig | undefined {
  const url = process.env.DEPLOY_RPC_URL;
  if (!url) return undefined;
  const keyFile = process.env.DEPLOY_KEY_FILE;
  const accounts = keyFile ? [readFileSync(keyFile, "utf8").trim()] : [];
  return { url, accounts };
}

const external = externalNetwork();

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun" },
  },
  networks: {
    hardhat: {
      // Fixed genesis time and hardfork: replaying the ledger chain's recorded blocks must
      // reproduce identical block hashes after a restart.
      initialDate: "2026-01-01T00:00:00Z",
      hardfork: "cancun",
      chainId: 31337,
    },
    ...(external ? { external } : {}),
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  paths: { sources: "contracts", tests: "test", cache: "cache", artifacts: "artifacts" },
};

export default config;
