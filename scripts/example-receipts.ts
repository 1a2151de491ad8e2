/**
 * Writes example receipts to examples/receipts/: a pending (intake) receipt and an anchored
 * one, from a real run of the service on a throwaway data directory and embedded chain.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../service/config";
import { readInitialApiKey } from "../service/keys";
import { createLogger } from "../service/observability";
import { startNotary } from "../service/server";

const OUT = join(__dirname, "..", "examples", "receipts");
// Receipts issued now (v3); the v1 and v2 examples in v1/ and v2/ are kept as issued.

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "example-receipts-"));
  const running = await startNotary(
    loadConfig({ DATA_DIR: dir, PORT: "0", CHAIN_PORT: "0", BATCH_MAX_WAIT_MS: "200" }),
    createLogger("warn"),
  );
  try {
    const key = await readInitialApiKey(join(dir, "keys", "api-keys.json"));
    const auth = { authorization: `Bearer ${key}` };
    const evidenceFile = await readFile(join(OUT, "capture.txt"));
    const form = new FormData();
    form.append("record", await readFile("examples/records/evidence.json", "utf8"));
    form.append("files", new Blob([evidenceFile], { type: "text/plain" }), "capture.txt");
    const evidence = (await (
      await fetch(`${running.url}/v1/records`, { method: "POST", headers: auth, body: form })
    ).json()) as { id: string; receipt: unknown };
    await writeFile(join(OUT, "pending.json"), JSON.stringify(evidence.receipt, null, 2) + "\n");
    for (;;) {
      const receipt = (await (
        await fetch(`${running.url}/v1/records/${evidence.id}/receipt`, { headers: auth })
      ).json()) as { status: string };
      if (receipt.status === "anchored") {
        await writeFile(join(OUT, "anchored.json"), JSON.stringify(receipt, null, 2) + "\n");
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`wrote ${OUT}/pending.json and anchored.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
