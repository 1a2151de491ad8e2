import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { promisify } from "node:util";
import { ExportAbortedError, writeExport } from "../../service/exports";
import type { AnchoredReceipt, Receipt } from "../../service/receipts";
import { parseRecordInput } from "../../service/records";
import { checkAnchoredReceipt } from "../support/receipt-check";
import { exampleRecord, type HttpClient } from "../support/http-client";
import { regulatorClient, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";
import { RUN_TYPESCRIPT } from "../../scripts/typescript";

describe("exports for regulators", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let regulator: HttpClient;
  let noticeId: string;
  let filingId: string;

  before(async () => {
    notary = await startTestNotary();
    regulator = await regulatorClient(notary);
    const evidence = (
      await notary.client.postRecord(await exampleRecord("evidence"), [
        { name: "e.txt", content: "e" },
      ])
    ).body as { id: string };
    noticeId = (
      (
        await notary.client.postRecord(
          await exampleRecord("notice", [{ rel: "evidence", id: evidence.id }]),
        )
      ).body as { id: string }
    ).id;
    await notary.client.postRecord(
      await exampleRecord("counter_notice", [{ rel: "answers", id: noticeId }]),
    );
    filingId = (
      (await notary.client.postRecord(await exampleRecord("filing"))).body as { id: string }
    ).id;
    await waitAnchored(notary.client, noticeId);
  });
  after(async () => notary?.stop());

  it("streams a ZIP of the eight data types with receipts, a manifest of digests, and the manifest notarised", async () => {
    const download = await regulator.getBytes("/v1/exports");
    expect(download.status).to.equal(200);
    expect(download.headers.get("content-type")).to.equal("application/zip");
    const dir = await mkdtemp(join(tmpdir(), "export-"));
    await writeFile(join(dir, "x.zip"), download.bytes);
    await promisify(execFile)("unzip", ["-q", join(dir, "x.zip"), "-d", join(dir, "out")]);
    const names = (await readdir(join(dir, "out"))).sort();
    expect(names).to.include.members([
      "manifest.json",
      "export-receipt.json",
      "3-notices.jsonl",
      "3-notices.csv",
      "8-goods-and-transactions.csv",
    ]);
    expect(names.filter((n) => /^[1-8]-/.test(n)).map((n) => n[0])).to.include.members([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
    ]);

    const manifestBytes = await readFile(join(dir, "out", "manifest.json"));
    const manifest = JSON.parse(manifestBytes.toString()) as {
      entries: { name: string; sha256: string; rows: number }[];
    };
    for (const e of manifest.entries) {
      expect(
        createHash("sha256")
          .update(await readFile(join(dir, "out", e.name)))
          .digest("hex"),
        e.name,
      ).to.equal(e.sha256);
    }
    expect(manifest.entries.find((e) => e.name === "3-notices.jsonl")!.rows).to.equal(1);
    const notices = (await readFile(join(dir, "out", "3-notices.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Receipt);
    expect(notices[0]!.record.id).to.equal(noticeId);
    // Each line is a receipt a stranger can verify on its own.
    expect(notices[0]!.status).to.equal("anchored");
    expect(
      await checkAnchoredReceipt(notices[0] as AnchoredReceipt, notary.chain.provider),
    ).to.deep.equal([]);
    const csv = await readFile(join(dir, "out", "3-notices.csv"));
    expect(csv.subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString()).to.include("卢马鞋业有限公司");

    // Data type 2: the IP information a filing says its goods show, one row per listing and right.
    const goodsIp = (
      await readFile(join(dir, "out", "2-ip-information-on-goods-items.csv"), "utf8")
    )
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(goodsIp).to.have.length(2);
    expect(goodsIp[1]).to.equal(
      [
        filingId,
        3,
        '"Happy Feet Trading Co., Ltd."',
        "shop.example.com",
        "https://shop.example.com/item/88231",
        "88231",
        "s-5521",
        "trademark",
        "12345678",
        '"Happy Feet Trading Co., Ltd."',
        "HAPPY FEET® 注册商标第12345678号",
        "own",
        "",
      ].join(","),
    );
    expect(
      manifest.entries.find((e) => e.name === "2-ip-information-on-goods.jsonl")!.rows,
    ).to.equal(1);

    // The export is notarised: a ledger record of kind export commits to the manifest's digest.
    const exportReceipt = JSON.parse(
      await readFile(join(dir, "out", "export-receipt.json"), "utf8"),
    ) as Receipt;
    expect(exportReceipt.record.kind).to.equal("export");
    // Four records: the filing is in data types 1 and 2 but counted once.
    expect(exportReceipt.record.metadata).to.include({
      records: 4,
      entries: manifest.entries.length,
    });
    expect((exportReceipt.record.metadata as { manifestSha256: string }).manifestSha256).to.equal(
      createHash("sha256").update(manifestBytes).digest("hex"),
    );
    expect((await notary.client.get(`/v1/records/${exportReceipt.record.id}`)).status).to.equal(
      200,
    );
  });

  it("lets anyone check an archive with npm run verify-export, naming what was altered", async () => {
    const dir = await mkdtemp(join(tmpdir(), "export-check-"));
    const archive = join(dir, "export.zip");
    await writeFile(archive, (await regulator.getBytes("/v1/exports?kind=notice")).bytes);
    const check = (zip: string, ...extra: string[]) =>
      promisify(execFile)(process.execPath, [
        ...RUN_TYPESCRIPT,
        "scripts/verify-export.ts",
        "--archive",
        zip,
        "--rpc",
        notary.rpcUrl!,
        ...extra,
      ]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    /**
     * A copy of the archive, its entries (a dict of name to bytes, `files`, with `json` and
     * `hashlib` at hand) changed by the Python `edit`, as a hand with Info-ZIP's tools would.
     */
    const rewritten = async (out: string, edit: string, ...args: string[]) => {
      await promisify(execFile)("python3", [
        "-c",
        `import zipfile, sys, json, hashlib
src, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
zin = zipfile.ZipFile(src)
files = {i.filename: zin.read(i.filename) for i in zin.infolist()}
${edit}
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
    for n, data in files.items():
        zout.writestr(n, data)`,
        archive,
        join(dir, out),
        ...args,
      ]);
      return join(dir, out);
    };
    /** The archive with `name` altered, and the manifest's digest of it too if asked. */
    const tampered = (name: string, relist: boolean) =>
      rewritten(
        `${relist ? "relisted" : "altered"}.zip`,
        `name = args[0]
files[name] = files[name].replace(b"item/889123", b"item/889124")
if args[1] == "1":
    manifest = json.loads(files["manifest.json"])
    for e in manifest["entries"]:
        if e["name"] == name:
            e["sha256"] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, indent=2).encode() + b"\\n"`,
        name,
        relist ? "1" : "0",
      );

    // Just downloaded: the notices' receipts verify, the export's own is still pending.
    const fresh = await check(archive);
    expect(fresh.code, fresh.stdout).to.equal(2);
    expect(fresh.stdout).to.match(/receipts: \d+ checked, \d+ valid, 0 invalid/);
    expect(fresh.stdout).to.include("RECEIPT_PENDING");

    // With the export's receipt once anchored, fetched later: valid.
    const { stdout: inside } = await promisify(execFile)("unzip", [
      "-p",
      archive,
      "export-receipt.json",
    ]);
    const exportId = (JSON.parse(inside) as Receipt).record.id;
    await writeFile(
      join(dir, "anchored.json"),
      JSON.stringify(await waitAnchored(notary.client, exportId)),
    );
    const checkAnchored = (zip: string) =>
      check(zip, "--export-receipt", join(dir, "anchored.json"));
    const valid = await checkAnchored(archive);
    expect(valid.code, valid.stdout).to.equal(0);
    expect(valid.stdout).to.include("VALID");
    // Rows counted from the archive itself, CSV as well as JSON Lines, as the manifest lists them.
    const { stdout: listed } = await promisify(execFile)("unzip", ["-p", archive, "manifest.json"]);
    for (const entry of (JSON.parse(listed) as { entries: { name: string; rows: number }[] })
      .entries)
      expect(valid.stdout, entry.name).to.match(
        new RegExp(`${entry.name.replace(/\./g, "\\.")}\\s+${entry.rows} rows`),
      );
    expect(valid.stdout).to.match(/3-notices\.csv\s+[1-9]\d* rows/);

    const altered = await checkAnchored(await tampered("3-notices.csv", false));
    expect(altered.code, altered.stdout).to.equal(1);
    expect(altered.stdout).to.include("ENTRY_ALTERED: 3-notices.csv");
    const relisted = await checkAnchored(await tampered("3-notices.jsonl", true));
    expect(relisted.code, relisted.stdout).to.equal(1);
    expect(relisted.stdout).to.include("MANIFEST_NOT_NOTARISED");
    expect(relisted.stdout).to.include("LEAF_HASH_MISMATCH"); // the altered receipt itself
    // A manifest of a later major version is not judged; one with no format is not a manifest.
    const withFormat = (format: string | null) =>
      rewritten(
        `format-${format ?? "none"}.zip`.replace("/", "-"),
        `manifest = json.loads(files["manifest.json"])
if args[0] == "none":
    del manifest["format"]
else:
    manifest["format"] = args[0]
files["manifest.json"] = json.dumps(manifest, indent=2).encode() + b"\\n"`,
        format ?? "none",
      );
    const later = await checkAnchored(await withFormat("evidence-export/v2"));
    expect(later.code, later.stdout).to.equal(2);
    expect(later.stdout).to.include("MANIFEST_UNSUPPORTED_FORMAT");
    const formatless = await checkAnchored(await withFormat(null));
    expect(formatless.code, formatless.stdout).to.equal(1);
    expect(formatless.stdout).to.include("MANIFEST_MALFORMED");
    // A second, forged copy of an entry appended after the genuine one.
    const doubled = join(dir, "doubled.zip");
    await copyFile(archive, doubled);
    await promisify(execFile)("python3", [
      "-c",
      `import sys, warnings, zipfile
warnings.simplefilter("ignore")
with zipfile.ZipFile(sys.argv[1], "a") as z:
    z.writestr("3-notices.csv", b"forged")`,
      doubled,
    ]);
    const twice = await checkAnchored(doubled);
    expect(twice.code, twice.stdout).to.equal(1);
    expect(twice.stdout).to.include("ENTRY_DUPLICATE: 3-notices.csv");
  });

  it("filters by kind, and refuses bad filters and other roles", async () => {
    const dir = await mkdtemp(join(tmpdir(), "export-"));
    const filtered = await regulator.getBytes("/v1/exports?kind=counter_notice");
    await writeFile(join(dir, "f.zip"), filtered.bytes);
    const { stdout } = await promisify(execFile)("unzip", [
      "-p",
      join(dir, "f.zip"),
      "manifest.json",
    ]);
    const rows = Object.fromEntries(
      (JSON.parse(stdout) as { entries: { name: string; rows: number }[] }).entries.map((e) => [
        e.name,
        e.rows,
      ]),
    );
    expect([rows["4-declarations.jsonl"], rows["3-notices.jsonl"]]).to.deep.equal([1, 0]);
    for (const [query, code] of [
      ["seller=x", "EXPORT_UNKNOWN_FILTER"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "EXPORT_REVERSED_RANGE"],
      ["from=soon", "EXPORT_INVALID"],
    ]) {
      const { status, body } = await regulator.get(`/v1/exports?${query}`);
      expect([status, (body as { error: { code: string } }).error.code], query).to.deep.equal([
        400,
        code,
      ]);
    }
    expect((await notary.client.get("/v1/exports")).status).to.equal(403);
  });

  it("stops, notarising nothing, when the client goes away", async () => {
    const exportsBefore = (await notary.store.search({ kind: "export", limit: 1_000 })).length;
    const out = new PassThrough();
    const running = writeExport(
      notary.store,
      notary.notary,
      { filters: {}, filterText: {}, requestedBy: { keyId: "samr", name: "SAMR inspector" } },
      out,
      notary.files.tempDir,
    );
    out.destroy();
    await expect(running).to.be.rejectedWith(ExportAbortedError);
    expect((await notary.store.search({ kind: "export", limit: 1_000 })).length).to.equal(
      exportsBefore,
    );
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]); // scratch files gone
    expect((await regulator.getBytes("/v1/exports")).status).to.equal(200);
  });

  it("stops a stalled export when its client goes away mid-stream", async () => {
    // Far more archive than every stream buffer on the way holds: random text, so deflate
    // cannot shrink it, in 2,000 records of 4,000 characters.
    const evidence = (await exampleRecord("evidence")) as { metadata: Record<string, unknown> };
    const submitter = { keyId: "bulk", name: "Bulk" };
    for (let i = 0; i < 2_000; i += 500)
      await Promise.all(
        Array.from({ length: 500 }, () => {
          const metadata = {
            ...evidence.metadata,
            description: randomBytes(2_000).toString("hex"),
          };
          const input = parseRecordInput({ ...evidence, metadata }, []);
          return notary.notary.submit({ input, files: [], submitter });
        }),
      );
    const exportsBefore = (await notary.store.search({ kind: "export", limit: 1_000 })).length;
    // A client that takes one chunk and then nothing: the export waits on backpressure.
    let received = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write: (chunk: Buffer) => void (received += chunk.length),
    });
    const running = writeExport(
      notary.store,
      notary.notary,
      { filters: {}, filterText: {}, requestedBy: { keyId: "samr", name: "SAMR inspector" } },
      out,
      notary.files.tempDir,
    );
    // Long enough for every buffer on the way to fill: the export waits on a drain.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(received).to.be.greaterThan(0);
    // Stalled before its manifest: nothing notarised yet.
    expect((await notary.store.search({ kind: "export", limit: 1_000 })).length).to.equal(
      exportsBefore,
    );
    out.destroy();
    await expect(running).to.be.rejectedWith(ExportAbortedError);
    expect((await notary.store.search({ kind: "export", limit: 1_000 })).length).to.equal(
      exportsBefore,
    );
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]); // scratch files gone
  });

  it("runs at most two exports at once, asking a third to retry later", async () => {
    // The ledger now holds the 2,000 large records above: each export takes a while.
    const answers = await Promise.all([0, 1, 2].map(() => regulator.getBytes("/v1/exports")));
    const busy = answers.filter((a) => a.status === 503);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 200, 503]);
    expect(JSON.parse(busy[0]!.bytes.toString("utf8")).error.code).to.equal("EXPORTS_BUSY");
    expect(busy[0]!.headers.get("retry-after")).to.equal("30");
    expect((await regulator.getBytes("/v1/exports?kind=filing")).status).to.equal(200);
  });

  it("keeps its scratch files on the ledger's disk, and leaves none behind", async () => {
    let scratchSeen: string[] = [];
    const sink = new Writable({
      write: (_chunk, _encoding, next) => {
        void readdir(notary.files.tempDir).then((names) => {
          if (names.length > 0) scratchSeen = names;
          next();
        });
      },
    });
    const { recordId } = await writeExport(
      notary.store,
      notary.notary,
      { filters: {}, filterText: {}, requestedBy: { keyId: "samr", name: "SAMR inspector" } },
      sink,
      notary.files.tempDir,
    );
    expect(recordId).to.be.a("string");
    expect(scratchSeen).to.have.length(1);
    expect(scratchSeen[0]).to.match(/^export-/);
    expect(await readdir(notary.files.tempDir)).to.deep.equal([]);
  });

  it("refuses a client record of kind export", async () => {
    const { status, body } = await notary.client.postJson("/v1/records", {
      kind: "export",
      metadata: {},
    });
    expect([status, (body as { error: { code: string } }).error.code]).to.deep.equal([
      400,
      "RECORD_UNKNOWN_KIND",
    ]);
  });
});
