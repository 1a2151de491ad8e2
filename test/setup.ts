import chai from "chai";
import chaiAsPromised from "chai-as-promised";
import { missingSystemPackages, postgresProblem } from "./prerequisites";
import { PG_URL } from "./support/postgres";

chai.use(chaiAsPromised);

const missing = missingSystemPackages();
if (missing.length > 0) {
  process.stderr.write(
    `npm test needs Debian packages that are not installed: ${missing.join(", ")}; run \`sudo bash scripts/system-packages.sh\` once\n`,
  );
  process.exit(1);
}

/** Mocha's root hook: the store tests' PostgreSQL, checked once before any test starts. */
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    const problem = await postgresProblem();
    if (problem === undefined) return;
    process.stderr.write(
      `npm test needs PostgreSQL at ${PG_URL} without a password (${problem}); run \`sudo bash scripts/system-packages.sh\` once, or set TEST_DATABASE_URL\n`,
    );
    process.exit(1);
  },
};
