import { expect } from "chai";
import { Interface } from "ethers";
import { deployRuntimeCode } from "../support/look-alike";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { guardRpc } from "../../service/chain/rpc-guard";
import { MAX_RPC_BATCH } from "../../service/chain";

/** Code that jumps to itself until out of gas: the attack that once killed the service. */
const LOOP = "0x5b600056";
const LEDGER = new Interface([
  "function batchCountOf(address operator) view returns (uint256)",
  "function anchor(bytes32 root, uint64 firstSeq, uint64 count) returns (uint256 batchIndex)",
]);

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: { code?: string } };
}

describe("the public JSON-RPC face (chain port and /v1/rpc)", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let lookAlike: string;

  before(async () => {
    notary = await startTestNotary({ RPC_REQUESTS_PER_WINDOW: "200", RPC_MAX_LOG_RANGE: "100" });
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "g.txt", content: "guarded" },
    ]);
    await waitAnchored(notary.client, (answer.body as { id: string }).id);
    // A contract whose runtime code is the loop, deployed in-process (never through the face).
    lookAlike = await deployRuntimeCode(notary.chain, LOOP);
    expect(await notary.chain.provider.getCode(lookAlike)).to.equal(LOOP);
  });
  after(async () => notary?.stop());

  const faces = () => [
    ["/v1/rpc", `${notary.url}/v1/rpc`],
    ["the chain port", notary.rpcUrl!],
  ];
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as RpcAnswer & RpcAnswer[] };
  };
  const call = (url: string, method: string, params: unknown[] = []) =>
    post(url, { jsonrpc: "2.0", id: 1, method, params });

  it("refuses an eth_call of looping code with a huge gas limit, on both faces, and stays up", async () => {
    for (const [name, url] of faces()) {
      const codeless = await call(url!, "eth_call", [
        { data: LOOP, gas: "0xffffffffffff" },
        "latest",
      ]);
      expect(codeless.body.error?.data?.code, name).to.equal("RPC_PARAMS_INVALID");
      const toLoop = await call(url!, "eth_call", [
        {
          to: lookAlike,
          data: LEDGER.encodeFunctionData("batchCountOf", [lookAlike]),
          gas: "0xffffffffffff",
        },
        "latest",
      ]);
      expect(toLoop.body.error?.data?.code, name).to.equal("RPC_CALL_NOT_ALLOWED");
    }
    expect((await notary.client.get("/healthz")).status).to.equal(200);
  });

  it("answers the ledger's view functions with the gas capped, and refuses its other functions", async () => {
    const { contract, operator } = notary.binding;
    for (const [name, url] of faces()) {
      const count = await call(url!, "eth_call", [
        {
          to: contract,
          data: LEDGER.encodeFunctionData("batchCountOf", [operator]),
          gas: "0xffffffffffff",
        },
        "latest",
      ]);
      expect(Number(count.body.result), name).to.be.greaterThan(0);
      const write = await call(url!, "eth_call", [
        { to: contract, data: LEDGER.encodeFunctionData("anchor", [`0x${"11".repeat(32)}`, 0, 1]) },
        "latest",
      ]);
      expect(write.body.error?.data?.code, name).to.equal("RPC_CALL_NOT_ALLOWED");
      const paying = await call(url!, "eth_call", [
        { to: contract, data: LEDGER.encodeFunctionData("batchCountOf", [operator]), value: "0x1" },
        "latest",
      ]);
      expect(paying.body.error?.data?.code, name).to.equal("RPC_CALL_NOT_ALLOWED");
    }
  });

  it("refuses what a verifier never needs, with a code", async () => {
    for (const [name, url] of faces())
      for (const method of [
        "eth_sendRawTransaction",
        "eth_estimateGas",
        "eth_getBalance",
        "eth_getStorageAt",
        "debug_traceTransaction",
        "hardhat_setBalance",
        "evm_mine",
      ]) {
        const refused = await call(url!, method, []);
        expect(refused.body.error?.code, `${name} ${method}`).to.equal(-32601);
        expect(refused.body.error?.data?.code, `${name} ${method}`).to.equal(
          "RPC_METHOD_NOT_ALLOWED",
        );
      }
  });

  it("bounds log searches and batches", async () => {
    for (const [name, url] of faces()) {
      const wide = await call(url!, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x1000" }]);
      expect(wide.body.error?.data?.code, name).to.equal("RPC_LOG_RANGE_TOO_WIDE");
      const earliest = await call(url!, "eth_getLogs", [
        { fromBlock: "earliest", toBlock: "0x64" },
      ]);
      expect(earliest.body.error?.data?.code, name).to.equal("RPC_LOG_RANGE_TOO_WIDE");
      const narrow = await call(url!, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x63" }]);
      expect(narrow.body.result, name).to.be.an("array");
      const one = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
      const batch = await post(
        url!,
        Array.from({ length: MAX_RPC_BATCH + 1 }, () => one),
      );
      expect(batch.body.error?.data?.code, name).to.equal("RPC_BATCH_TOO_LARGE");
      const fine = await post(url!, [one, one]);
      expect(
        fine.body.map((a) => a.result),
        name,
      ).to.deep.equal(["0x7a69", "0x7a69"]);
    }
  });

  it("limits requests per client address with 429 and a code", async () => {
    const url = `${notary.url}/v1/rpc`;
    let limited: { status: number; body: RpcAnswer } | undefined;
    for (let i = 0; i < 250 && !limited; i++) {
      const answer = await call(url, "eth_chainId");
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.body.error?.data?.code).to.equal("RPC_RATE_LIMITED");
  });

  it("ends a request the node does not answer in time", async () => {
    const hung = guardRpc(
      { request: () => new Promise(() => undefined) },
      { maxLogRange: 10, callGas: 100_000, timeoutMs: 50 },
    );
    const error = await hung.request({ method: "eth_chainId" }).catch((e: unknown) => e);
    expect((error as { refusal?: string }).refusal).to.equal("RPC_TIMEOUT");
  });
});
