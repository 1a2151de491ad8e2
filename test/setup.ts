import chai from "chai";
import chaiAsPromised from "chai-as-promised";
import { missingSystemPackages } from "./prerequisites";

chai.use(chaiAsPromised);

const missing = missingSystemPackages();
if (missing.length > 0) {
  process.stderr.write(
    `npm test needs Debian packages that are not installed: ${missing.join(", ")}; run \`sudo bash scripts/system-packages.sh\` once\n`,
  );
  process.exit(1);
}
