/**
 * What an RFC 3161 witness costs per batch: a token from OpenSSL's TSA (request, signing,
 * answer, checks on arrival) and the offline verification every verifier repeats, with the
 * token's size in each receipt of the batch.
 */
import { randomBytes } from "node:crypto";
import { startOpensslTsa } from "../../test/support/openssl-tsa";
import {
  certificatesFromPemOrDer,
  timestampRequest,
  tokenFromResponse,
  verifyToken,
} from "../../service/witnesses";
import { runBenchmark } from "./harness";
import { millis, report } from "./report";

const TOKENS = Number(process.env.BENCH_TSA_TOKENS ?? 50);

runBenchmark(async () => {
  const tsa = await startOpensslTsa("Bench TSA");
  try {
    const anchors = certificatesFromPemOrDer(Buffer.from(tsa.caPem));
    const tokens: { root: Uint8Array; token: Uint8Array }[] = [];
    const fetchStart = process.hrtime.bigint();
    for (let i = 0; i < TOKENS; i++) {
      const root = randomBytes(32);
      const nonce = randomBytes(8);
      const response = await fetch(tsa.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query" },
        body: Buffer.from(timestampRequest(root, nonce)),
      });
      const token = tokenFromResponse(new Uint8Array(await response.arrayBuffer()), root, nonce);
      await verifyToken(token, root, anchors);
      tokens.push({ root, token });
    }
    const fetchMs = millis(fetchStart) / TOKENS;
    const verifyStart = process.hrtime.bigint();
    for (const { root, token } of tokens) await verifyToken(token, root, anchors);
    const verifyMs = millis(verifyStart) / TOKENS;
    const name = "RFC 3161 witness (OpenSSL TSA, local)";
    report({
      case: name,
      metric: "per batch: token fetched and checked (ms)",
      value: fetchMs.toFixed(1),
    });
    report({
      case: name,
      metric: "per receipt: token verified offline (ms)",
      value: verifyMs.toFixed(1),
    });
    report({
      case: name,
      metric: "token size in each receipt (bytes, base64)",
      value: String(Math.ceil(tokens[0]!.token.length / 3) * 4),
    });
  } finally {
    await tsa.close();
  }
});
