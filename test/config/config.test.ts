import { expect } from "chai";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../../service/config";

describe("configuration from the environment", () => {
  it("runs with no configuration at all", () => {
    const config = loadConfig({});
    expect(config).to.deep.include({
      port: 8080,
      host: "127.0.0.1",
      dataDir: resolve("data"),
      databaseUrl: undefined,
    });
    expect(config.batch).to.deep.equal({ maxRecords: 1000, maxWaitMs: 2000 });
    expect(config.chain).to.deep.include({ rpcUrl: undefined, port: 8545, confirmations: 1 });
    expect(config.operatorKeyFile).to.equal(join(resolve("data"), "keys", "operator.key"));
  });

  it("reads every documented variable", () => {
    const config = loadConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      DATA_DIR: "/srv/notary",
      DATABASE_URL: "postgres://u@db:5432/ledger",
      BATCH_MAX_RECORDS: "50",
      BATCH_MAX_WAIT_MS: "500",
      CHAIN_RPC_URL: "https://rpc.example",
      CHAIN_CONFIRMATIONS: "6",
      LEDGER_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      OPERATOR_KEY_FILE: "/run/secrets/operator.key",
      API_KEYS_FILE: "/run/secrets/keys.json",
      MAX_FILE_BYTES: "1000",
      MAX_FILES: "3",
      HOLIDAYS: "2026-10-01,2026-10-02",
      IN_TIME_WORKING_DAYS: "5",
      PUBLIC_URL: "https://notary.example.com/",
    });
    expect(config).to.deep.include({
      holidays: ["2026-10-01", "2026-10-02"],
      inTimeWorkingDays: 5,
      publicUrl: "https://notary.example.com",
    });
    expect(config).to.deep.include({
      port: 9000,
      host: "0.0.0.0",
      dataDir: "/srv/notary",
      databaseUrl: "postgres://u@db:5432/ledger",
    });
    expect(config.chain).to.deep.include({
      rpcUrl: "https://rpc.example",
      confirmations: 6,
      ledgerAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    });
    expect(config.limits).to.deep.include({ fileBytes: 1000, files: 3 });
    expect([config.operatorKeyFile, config.apiKeysFile]).to.deep.equal([
      "/run/secrets/operator.key",
      "/run/secrets/keys.json",
    ]);
    expect(config.anchorDeadlineMs).to.equal(500 + 600_000);
  });

  for (const [variable, value] of [
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["BATCH_MAX_RECORDS", "0"],
    ["DATABASE_URL", "mysql://x"],
    ["CHAIN_RPC_URL", "not a url"],
    ["LEDGER_ADDRESS", "0x123"],
    ["LOG_LEVEL", "loud"],
    ["HOLIDAYS", "1 October"],
  ]) {
    it(`refuses ${variable}=${value} with a message naming the variable`, () => {
      expect(() => loadConfig({ [variable!]: value })).to.throw(ConfigError, variable);
    });
  }
});
