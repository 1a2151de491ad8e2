import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import type { Receipt } from "../../service/receipts";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { verdictOf } from "../support/verify-page";

const run = promisify(execFile);
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

interface Manifest {
  format: string;
  subject: string;
  records: string[];
  entries: { name: string; sha256: string; bytes: number }[];
}

describe("court bundles", function () {
  this.timeout(120_000);
  let notary: TestNotary;
  let evidenceId: string;
  let noticeId: string;
  const capture = new TextEncoder().encode("a capture of listing 889123, 取证截图");

  const post = async (kind: string, links: { rel: string; id: string }[], files = []) => {
    const answer = await notary.client.postRecord(await exampleRecord(kind, links), files);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return (answer.body as { id: string }).id;
  };

  before(async () => {
    notary = await startTestNotary({ PUBLIC_URL: "https://notary.example.com" });
    const evidence = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: "截图.png", content: capture, type: "image/png" },
    ]);
    evidenceId = (evidence.body as { id: string }).id;
    noticeId = await post("notice", [{ rel: "evidence", id: evidenceId }]);
    await post("action", [{ rel: "concerns", id: noticeId }]);
    const last = await post("counter_notice", [{ rel: "answers", id: noticeId }]);
    await waitAnchored(notary.client, last);
  });
  after(async () => notary?.stop());

  /** Downloads and unzips a bundle; checks every entry against the manifest. */
  async function bundle(
    path: string,
  ): Promise<{ dir: string; manifest: Manifest; names: string[] }> {
    const download = await notary.client.getBytes(path);
    expect(download.status).to.equal(200);
    expect(download.headers.get("content-type")).to.equal("application/zip");
    const dir = await mkdtemp(join(tmpdir(), "bundle-"));
    await writeFile(join(dir, "b.zip"), download.bytes);
    await run("unzip", ["-q", join(dir, "b.zip"), "-d", join(dir, "out")]);
    const out = join(dir, "out");
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
    for (const e of manifest.entries)
      expect(sha256(await readFile(join(out, e.name))), e.name).to.equal(e.sha256);
    const names = (await readdir(out, { recursive: true })).map(String).sort();
    return { dir: out, manifest, names };
  }

  it("bundles a record: certificate, receipt, original file, offline page, README, manifest notarised", async () => {
    const { dir, manifest, names } = await bundle(`/v1/records/${evidenceId}/bundle`);
    expect(manifest.format).to.equal("court-bundle/v1");
    expect(manifest.subject).to.equal(`record:${evidenceId}`);
    expect(names).to.include.members([
      "README.txt",
      "verify.html",
      "manifest.json",
      "bundle-receipt.json",
      `receipts/${evidenceId}.json`,
      join("files", evidenceId, "截图.png"),
    ]);
    expect(names.some((n) => /^certificates\/EN-\d{8}-[0-9A-F]{8}\.pdf$/.test(n))).to.equal(true);
    expect(await readFile(join(dir, "files", evidenceId, "截图.png"))).to.deep.equal(
      Buffer.from(capture),
    );
    const readme = await readFile(join(dir, "README.txt"), "utf8");
    expect(readme).to.include("如何独立验证").and.to.include("How to verify on your own");
    // The manifest is notarised: the bundle's receipt commits to its digest.
    const receipt = JSON.parse(await readFile(join(dir, "bundle-receipt.json"), "utf8")) as Receipt;
    const metadata = receipt.record.metadata as { manifestSha256: string; filters: object };
    expect(metadata.manifestSha256).to.equal(sha256(await readFile(join(dir, "manifest.json"))));
    expect(metadata.filters).to.deep.equal({ bundle: `record:${evidenceId}` });
  });

  it("fits long file names in the file system's limit, keeps them unique, and its README's commands run as written", async () => {
    const long = `${"侵权商品页面截图".repeat(27)}.png`; // 216 characters, 646 bytes
    const twin = `${"侵权商品页面截图".repeat(27)}.png `.trim().replace(".png", "_.png");
    const answer = await notary.client.postRecord(await exampleRecord("evidence"), [
      { name: long, content: "first", type: "image/png" },
      { name: twin, content: "second", type: "image/png" },
    ]);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const id = (answer.body as { id: string }).id;
    await waitAnchored(notary.client, id);
    const { dir, names } = await bundle(`/v1/records/${id}/bundle`);
    const files = names.filter((n) => n.startsWith(`files/${id}/`));
    expect(files).to.have.length(2);
    for (const f of files) {
      expect(Buffer.byteLength(f.split("/").pop()!)).to.be.at.most(255);
      expect(f).to.match(/\.png$/);
    }
    const readme = await readFile(join(dir, "README.txt"), "utf8");
    const commands = readme
      .split("\r\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("npm "));
    // The same command in the Chinese and the English part.
    expect(new Set(commands).size).to.equal(1);
    const command = commands[0]!
      .replace("<sources>", join(__dirname, "..", ".."))
      .replace("<rpc>", notary.rpcUrl!);
    const { stdout } = await run("sh", ["-c", command], { cwd: dir });
    expect(stdout).to.match(/VALID: integrity of record/);
  });

  it("bundles a case: the notice, its evidence, the declaration and the actions", async () => {
    const { manifest, names } = await bundle(`/v1/cases/${noticeId}/bundle`);
    expect(manifest.records).to.have.length(4);
    expect(manifest.records).to.include.members([noticeId, evidenceId]);
    expect(names.filter((n) => n.startsWith("receipts/"))).to.have.length(4);
  });

  it("verifies offline: the bundle's page opened from file:// checks a receipt and its file", async () => {
    const { dir } = await bundle(`/v1/records/${evidenceId}/bundle`);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, "verify.html")).href);
      expect(await page.isVisible("#lookup-section")).to.equal(false);
      expect(await page.inputValue("#rpc")).to.equal("https://notary.example.com/v1/rpc");
      // The bundle names the platform's proxy; the reader may use any RPC: here the test's.
      await page.fill("#rpc", `${notary.url}/v1/rpc`);
      await page.setInputFiles("#receipt", join(dir, "receipts", `${evidenceId}.json`));
      await page.setInputFiles("#files", join(dir, "files", evidenceId, "截图.png"));
      await page.click("#verify");
      const { verdict, text } = await verdictOf(page);
      expect(verdict, text).to.equal("valid");
      expect(await page.getAttribute('#steps li[data-step="files"]', "data-status")).to.equal(
        "pass",
      );
    } finally {
      await browser.close();
    }
  });

  it("refuses a bundle larger than MAX_BUNDLE_BYTES with 413, as JSON, not as a download", async () => {
    const small = await startTestNotary({ MAX_BUNDLE_BYTES: "10" });
    try {
      const answer = await small.client.postRecord(await exampleRecord("evidence"), [
        { name: "big.bin", content: new Uint8Array(64) },
      ]);
      const id = (answer.body as { id: string }).id;
      const refused = await small.client.get(`/v1/records/${id}/bundle`);
      expect(refused.status).to.equal(413);
      expect(refused.headers.get("content-type")).to.match(/^application\/json/);
      expect(refused.headers.get("content-disposition")).to.equal(null);
      expect((refused.body as { error: { code: string } }).error.code).to.equal("BUNDLE_TOO_LARGE");
    } finally {
      await small.stop();
    }
  });
});
