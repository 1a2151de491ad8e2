import { expect } from "chai";
import { randomBytes } from "node:crypto";
import {
  certificatesFromPemOrDer,
  describeToken,
  timestampRequest,
  tokenFromResponse,
  verifyToken,
} from "../../service/witnesses/rfc3161";
import { startOpensslTsa, type TestTsa } from "../support/openssl-tsa";

const ask = async (tsa: TestTsa, root: Uint8Array) => {
  const nonce = randomBytes(8);
  const response = await fetch(tsa.url, {
    method: "POST",
    headers: { "content-type": "application/timestamp-query" },
    body: Buffer.from(timestampRequest(root, nonce)),
  });
  expect(response.status).to.equal(200);
  return { response: new Uint8Array(await response.arrayBuffer()), nonce };
};

describe("RFC 3161 time-stamp tokens, against OpenSSL's TSA", function () {
  this.timeout(60_000);
  let tsa: TestTsa;
  let other: TestTsa;
  const root = randomBytes(32);
  let token: Uint8Array;
  let trusted: Uint8Array[];

  before(async () => {
    [tsa, other] = await Promise.all([startOpensslTsa("Test TSA"), startOpensslTsa("Other TSA")]);
    const { response, nonce } = await ask(tsa, root);
    token = tokenFromResponse(response, root, nonce);
    trusted = certificatesFromPemOrDer(new TextEncoder().encode(tsa.caPem));
  });
  after(async () => Promise.all([tsa, other].map((t) => t?.close())));

  it("gets a token for a root and verifies it against the TSA's root certificate", async () => {
    const before = Date.now();
    const facts = await verifyToken(token, root, trusted);
    expect(facts.tsa).to.include("Test TSA");
    expect(Date.parse(facts.genTime)).to.be.within(before - 60_000, Date.now() + 1_000);
    expect(describeToken(token)).to.deep.equal(facts);
  });

  it("refuses a response to another request: another root, another nonce", async () => {
    const { response, nonce } = await ask(tsa, root);
    expect(() => tokenFromResponse(response, randomBytes(32), nonce))
      .to.throw()
      .with.property("code", "TSA_IMPRINT_MISMATCH");
    expect(() => tokenFromResponse(response, root, randomBytes(8)))
      .to.throw()
      .with.property("code", "TSA_NONCE_MISMATCH");
  });

  it("refuses a token for another root", async () => {
    await expectCode(verifyToken(token, randomBytes(32), trusted), "TSA_IMPRINT_MISMATCH");
  });

  it("refuses a tampered token: any byte of the signed time changed", async () => {
    const facts = describeToken(token);
    // The GeneralizedTime of genTime, as DER text (YYYYMMDDhhmmss), is inside the signed TSTInfo.
    const stamp = facts.genTime.replace(/[-:T]/g, "").slice(0, 14);
    const at = Buffer.from(token).indexOf(Buffer.from(stamp, "latin1"));
    expect(at).to.be.greaterThan(0);
    const tampered = Uint8Array.from(token);
    tampered[at + 3] = tampered[at + 3] === 0x31 ? 0x32 : 0x31; // another year
    await expectCode(verifyToken(tampered, root, trusted), "TSA_SIGNATURE_INVALID");
  });

  it("refuses a TSA whose certificate does not lead to a given root", async () => {
    await expectCode(
      verifyToken(token, root, certificatesFromPemOrDer(Buffer.from(other.caPem))),
      "TSA_UNTRUSTED",
    );
    await expectCode(verifyToken(token, root, []), "TSA_UNTRUSTED");
  });

  it("refuses bytes that are no token, with a code", async () => {
    await expectCode(verifyToken(randomBytes(200), root, trusted), "TSA_TOKEN_MALFORMED");
    expect(() => tokenFromResponse(randomBytes(50), root, randomBytes(8)))
      .to.throw()
      .with.property("code", "TSA_TOKEN_MALFORMED");
  });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).to.have.property("code", code);
}
