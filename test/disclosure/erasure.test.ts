import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { dirname, join } from "node:path";
import type { AnchoredReceipt } from "../../service/receipts";
import { providerChainReader } from "../../service/chain-reader";
import { finishFileErasures } from "../../service/notary";
import { verifyReceipt } from "../../service/verify";
import { exampleRecord } from "../support/http-client";
import {
  auditNotary,
  regulatorClient,
  startTestNotary,
  waitAnchored,
  type TestNotary,
  localFiles,
} from "../support/notary";

/** Every file under `dir`, with where each of `needles` stands in it (bytes as written). */
async function filesHolding(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${path}: ${needle}`);
  }
  return found;
}

const MARKERS = {
  address: "Marker Street 8c1f, Pudong",
  email: "marker8c1f@luma.example",
  signedBy: "Marker Signer 8c1f",
};

describe("erasure of personal values (DESIGN §7)", function () {
  this.timeout(120_000);
  let notary: TestNotary;
  let id: string;
  let heldReceipt: AnchoredReceipt;
  const verify = (receipt: unknown) =>
    verifyReceipt({ receipt, fileDigests: [], chain: providerChainReader(notary.chain.provider) });

  before(async () => {
    notary = await startTestNotary({ BATCH_MAX_WAIT_MS: "100" });
    const notice = (await exampleRecord("notice")) as {
      metadata: {
        notifier: Record<string, unknown>;
        undertaking: Record<string, unknown>;
      };
    };
    notice.metadata.notifier.address = MARKERS.address;
    notice.metadata.notifier.email = MARKERS.email;
    notice.metadata.undertaking.signedBy = MARKERS.signedBy;
    const answer = await notary.client.postRecord(notice);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    id = (answer.body as { id: string }).id;
    heldReceipt = (await waitAnchored(notary.client, id)) as AnchoredReceipt;
  });
  after(async () => notary?.stop());

  it("erases what a request names, notarising why, and every proof still verifies", async () => {
    const disclosures = (heldReceipt as { disclosures?: string[] }).disclosures ?? [];
    expect(disclosures.length).to.be.greaterThan(3);
    // Before: the values are on disk, in their disclosures (base64url), as they must be.
    expect(await filesHolding(notary.dataDir, disclosures)).to.have.length.greaterThan(0);

    const refused = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "the notifier asked",
      legalBasis: "PIPL art. 47",
      fields: ["notifier.fax"],
    });
    expect([
      refused.status,
      (refused.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([422, "ERASURE_FIELD_UNKNOWN"]);

    const some = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "the notifier asked for its e-mail to be erased",
      legalBasis: "PIPL art. 47(1)",
      fields: ["notifier.email"],
    });
    expect(some.status, JSON.stringify(some.body)).to.equal(201);
    expect((some.body as { fields: string[] }).fields).to.deep.equal(["notifier.email"]);
    const partly = (await notary.client.get(`/v1/records/${id}`)).body as {
      record: { metadata: { notifier: Record<string, unknown> } };
      erasures: { recordId: string; fields: string[] }[];
    };
    expect(partly.record.metadata.notifier).to.not.have.property("email");
    expect(partly.record.metadata.notifier).to.have.property("address", MARKERS.address);
    expect(partly.erasures).to.have.length(1);
    expect(partly.erasures[0]!.fields).to.deep.equal(["notifier.email"]);

    const rest = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "the keeping period of the case ended",
      legalBasis: "E-Commerce Law art. 31; PIPL art. 47(1)",
    });
    expect(rest.status, JSON.stringify(rest.body)).to.equal(201);
    const erasureId = (rest.body as { erasureId: string }).erasureId;

    // Gone from every file under the data directory: values and disclosures alike.
    expect(
      await filesHolding(notary.dataDir, [...Object.values(MARKERS), ...disclosures]),
    ).to.deep.equal([]);

    // The holder's receipt, with the erased disclosures, still verifies; so does today's, without.
    expect((await verify(heldReceipt)).verdict).to.equal("valid");
    const now = (await waitAnchored(notary.client, id)) as AnchoredReceipt;
    expect((now as { disclosures?: string[] }).disclosures).to.deep.equal([]);
    const checked = await verify(now);
    expect(checked.verdict).to.equal("valid");
    expect(checked.disclosed?.hidden.length).to.equal(disclosures.length);
    // The erasure is a record like any other: anchored, and its receipt verifies.
    expect((await verify(await waitAnchored(notary.client, erasureId))).verdict).to.equal("valid");

    const again = await notary.client.postJson(`/v1/records/${id}/erasure`, {
      reason: "twice",
      legalBasis: "none",
    });
    expect([again.status, (again.body as { error: { code: string } }).error.code]).to.deep.equal([
      409,
      "NOTHING_TO_ERASE",
    ]);
    expect((await auditNotary(notary)).discrepancies).to.deep.equal([]);

    // A regulator's export says what was erased, by which record: never a value merely missing.
    const regulator = await regulatorClient(notary);
    const archive = join(notary.dataDir, "..", `export-${id}.zip`);
    await writeFile(archive, (await regulator.getBytes("/v1/exports")).bytes);
    const { stdout } = await promisify(execFile)("unzip", [
      "-p",
      archive,
      "7-evidence-and-preservation.jsonl",
    ]);
    const erasures = stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          (JSON.parse(line) as { record: { kind: string; id: string; links: unknown[] } }).record,
      )
      .filter((r) => r.kind === "erasure");
    expect(erasures.map((r) => r.id)).to.include(erasureId);
    expect(erasures.flatMap((r) => r.links)).to.deep.include({ rel: "erases", id });
    // The notice's row says what was erased and by which record: never a value merely missing.
    const notices = (await promisify(execFile)("unzip", ["-p", archive, "3-notices.csv"])).stdout;
    const row = notices.split("\r\n").find((line) => line.startsWith(id))!;
    expect(row).to.include(`notifier.email by ${(some.body as { erasureId: string }).erasureId}`);
    expect(row).to.include(`by ${erasureId}`);

    // So does the record's court bundle, in its README.
    const bundle = join(notary.dataDir, "..", `bundle-${id}.zip`);
    await writeFile(bundle, (await notary.client.getBytes(`/v1/records/${id}/bundle`)).bytes);
    const readme = (await promisify(execFile)("unzip", ["-p", bundle, "README.txt"])).stdout;
    expect(readme).to.include(
      `notifier.email — erased by record ${(some.body as { erasureId: string }).erasureId}`,
    );
    expect(readme).to.include(`erased by record ${erasureId}`);
  });

  it("erases the bytes of a file marked personal: its digest stays, every proof verifies", async () => {
    const scan = `ID-CARD-SCAN 8c1f ${"scan ".repeat(200)}`;
    const face = `FACE-PHOTO 8c1f ${"face ".repeat(200)}`;
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const post = async (record: unknown, files: { name: string; content: string }[]) => {
      const answer = await notary.client.postRecord(record, files);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return (answer.body as { id: string }).id;
    };
    // The kind marks a filing's identity proofs personal; a client marks any other file so.
    const filing = await exampleRecord("filing");
    (filing.metadata as Record<string, unknown>).identityProofFiles = ["licence.png"];
    const filingId = await post(filing, [{ name: "licence.png", content: scan }]);
    const evidenceId = await post(
      { ...(await exampleRecord("evidence")), personalFiles: ["face.png"] },
      [
        { name: "face.png", content: face },
        { name: "page.html", content: "<p>the listing</p>" },
      ],
    );
    // The same bytes sent again by another record that does not mark them: it holds them.
    const copyId = await post(await exampleRecord("evidence"), [
      { name: "copy.png", content: face },
    ]);
    const filingReceipt = (await waitAnchored(notary.client, filingId)) as AnchoredReceipt;
    expect(filingReceipt.record.files[0]).to.include({ name: "licence.png", personal: true });

    const refusal = async (body: object) => {
      const answer = await notary.client.postJson(`/v1/records/${evidenceId}/erasure`, {
        reason: "asked",
        legalBasis: "PIPL art. 47",
        ...body,
      });
      return [answer.status, (answer.body as { error: { code: string } }).error.code];
    };
    expect(await refusal({ files: ["page.html"] })).to.deep.equal([
      422,
      "ERASURE_FILE_NOT_PERSONAL",
    ]);
    expect(await refusal({ files: ["passport.png"] })).to.deep.equal([422, "ERASURE_FILE_UNKNOWN"]);

    const erased = await notary.client.postJson(`/v1/records/${filingId}/erasure`, {
      reason: "the merchant's representative changed; the old one asked",
      legalBasis: "PIPL art. 47(1)",
      files: ["licence.png"],
    });
    expect(erased.status, JSON.stringify(erased.body)).to.equal(201);
    const { erasureId, fields, files } = erased.body as {
      erasureId: string;
      fields: string[];
      files: { name: string; sha256: string }[];
    };
    expect(fields).to.deep.equal([]); // only what the request named
    expect(files).to.deep.equal([{ name: "licence.png", sha256: sha256(scan) }]);
    const download = await notary.client.get(`/v1/records/${filingId}/files/${sha256(scan)}`);
    expect([
      download.status,
      (download.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([410, "FILE_ERASED"]);
    const shown = (await notary.client.get(`/v1/records/${filingId}`)).body as {
      files: { name: string; erasedBy?: string; url?: string }[];
    };
    expect(shown.files[0]).to.include({ name: "licence.png", erasedBy: erasureId });
    expect(shown.files[0]).to.not.have.property("url");
    expect(await filesHolding(notary.dataDir, ["ID-CARD-SCAN 8c1f"])).to.deep.equal([]);
    // Whoever kept the file can still prove it; the receipt verifies without it too.
    for (const fileDigests of [[sha256(scan)], []])
      expect(
        (
          await verifyReceipt({
            receipt: filingReceipt,
            fileDigests,
            chain: providerChainReader(notary.chain.provider),
          })
        ).verdict,
      ).to.equal("valid");

    // Everything personal of the evidence: the copy another record holds keeps the bytes.
    const all = await notary.client.postJson(`/v1/records/${evidenceId}/erasure`, {
      reason: "the person shown asked",
      legalBasis: "PIPL art. 47(1)",
    });
    expect(all.status, JSON.stringify(all.body)).to.equal(201);
    expect(all.body).to.deep.include({
      files: [{ name: "face.png", sha256: sha256(face) }],
      filesHeldElsewhere: ["face.png"],
    });
    expect(
      (await notary.client.get(`/v1/records/${copyId}/files/${sha256(face)}`)).status,
    ).to.equal(200);
    expect(
      (await notary.client.get(`/v1/records/${evidenceId}/files/${sha256(face)}`)).status,
    ).to.equal(410);

    // The court bundle carries no erased bytes and says which record erased them.
    const bundle = join(notary.dataDir, "..", `bundle-${filingId}.zip`);
    await writeFile(bundle, (await notary.client.getBytes(`/v1/records/${filingId}/bundle`)).bytes);
    const run = promisify(execFile);
    expect((await run("unzip", ["-Z1", bundle])).stdout).to.not.include("licence.png");
    expect((await run("unzip", ["-p", bundle, "README.txt"])).stdout).to.include(
      `file licence.png (SHA-256 ${sha256(scan)}, not in this bundle) — erased by record ${erasureId}`,
    );

    const audit = await auditNotary(notary);
    expect(audit.discrepancies).to.deep.equal([]);
    expect(audit.counted.erasedFiles).to.equal(1);
    // Bytes of an erased file found again (a crash between the erasure and the deletion, a
    // restored backup): the audit names them, the sweeper deletes them.
    const path = localFiles(notary).pathOf(sha256(scan));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, scan);
    expect((await auditNotary(notary)).discrepancies.map((d) => d.code)).to.deep.equal([
      "FILE_NOT_ERASED",
    ]);
    expect(await finishFileErasures({ store: notary.store, files: notary.files })).to.equal(1);
    expect((await auditNotary(notary)).discrepancies).to.deep.equal([]);
  });

  it("has the audit name a disclosure deleted without an erasure record, and one altered", async () => {
    const answer = await notary.client.postRecord(await exampleRecord("notice"));
    const other = (answer.body as { id: string }).id;
    await waitAnchored(notary.client, other);
    const kept = await notary.store.db
      .selectFrom("record_disclosures")
      .selectAll()
      .where("record_id", "=", other)
      .orderBy("digest")
      .execute();
    await notary.store.db
      .deleteFrom("record_disclosures")
      .where("record_id", "=", other)
      .where("digest", "=", kept[0]!.digest)
      .execute();
    await notary.store.db
      .updateTable("record_disclosures")
      .set({ disclosure: kept[2]!.disclosure })
      .where("record_id", "=", other)
      .where("digest", "=", kept[1]!.digest)
      .execute();
    const found = (await auditNotary(notary)).discrepancies.map((d) => [d.code, d.recordId]);
    expect(found).to.deep.include.members([
      ["DISCLOSURE_ALTERED", other],
      ["DISCLOSURE_DELETED", other],
    ]);
    // The search index still holds what the deleted value gave: named too, nothing else.
    expect(found.filter(([, id]) => id !== other)).to.deep.equal([]);
  });

  it("is the platform's or an administrator's to do, and says what a bad request lacks", async () => {
    const bad = await notary.client.postJson(`/v1/records/${id}/erasure`, { reason: "" });
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).to.deep.equal([
      400,
      "ERASURE_INVALID",
    ]);
    const anonymous = await notary.client
      .withKey(undefined)
      .postJson(`/v1/records/${id}/erasure`, { reason: "x", legalBasis: "y" });
    expect(anonymous.status).to.equal(401);
  });

  it("erases at the end of the keeping period what no case keeps longer, notarising it", async () => {
    const swept = await startTestNotary({ BATCH_MAX_WAIT_MS: "100", KEEPING_SWEEP_MS: "200" });
    try {
      const post = async (
        kind: string,
        links: { rel: string; id: string }[] = [],
        personalFiles: string[] = [],
      ) => {
        const answer = await swept.client.postRecord(
          { ...(await exampleRecord(kind, links)), personalFiles },
          [{ name: "f.txt", content: `${kind} ${links.length} ${personalFiles.join()}` }],
        );
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
        return (answer.body as { id: string }).id;
      };
      const alone = await post("evidence", [], ["f.txt"]);
      const cited = await post("evidence");
      const notice = await post("notice", [{ rel: "evidence", id: cited }]);
      // Three years on, for the floor: every disclosure's keeping floor has passed.
      await swept.store.db
        .updateTable("record_disclosures")
        .set({ keep_until: "2020-01-01T00:00:00.000Z" })
        .execute();
      await swept.store.db
        .updateTable("record_files")
        .set({ keep_until: "2020-01-01T00:00:00.000Z" })
        .where("keep_until", "is not", null)
        .execute();
      const erasuresOf = async (id: string) =>
        ((await swept.client.get(`/v1/records/${id}`)).body as { erasures: unknown[] }).erasures;
      // One sweep erases one record and moves the others' floor: wait for the whole pass.
      const floorsMoved = async () =>
        (
          await swept.store.db
            .selectFrom("record_disclosures")
            .select("keep_until")
            .where("record_id", "in", [cited, notice])
            .execute()
        ).every((k) => k.keep_until > "2021");
      for (let i = 0; (await erasuresOf(alone)).length === 0 || !(await floorsMoved()); i++) {
        expect(i, "the sweeper never erased").to.be.lessThan(100);
        await new Promise((r) => setTimeout(r, 100));
      }
      const [erasure] = (await erasuresOf(alone)) as { recordId: string }[];
      const record = (await swept.client.get(`/v1/records/${erasure!.recordId}`)).body as {
        record: {
          kind: string;
          metadata: { trigger: string; legalBasis: string; files: { name: string }[] };
        };
      };
      // The file marked personal went with the values: its bytes are gone.
      expect(record.record.metadata.files.map((f) => f.name)).to.deep.equal(["f.txt"]);
      const file = (
        (await swept.client.get(`/v1/records/${alone}`)).body as {
          files: { sha256: string }[];
        }
      ).files[0]!;
      expect((await swept.client.get(`/v1/records/${alone}/files/${file.sha256}`)).status).to.equal(
        410,
      );
      expect(record.record.kind).to.equal("erasure");
      expect(record.record.metadata.trigger).to.equal("keeping_period");
      expect(record.record.metadata.legalBasis).to.include("art. 31");
      // The notice's case ends three years after its last record: it and its evidence are kept,
      // their floor moved to that day, so the sweeper does not look at them again before.
      const kept = await swept.store.db
        .selectFrom("record_disclosures")
        .select(["record_id", "keep_until"])
        .where("record_id", "in", [alone, cited, notice])
        .execute();
      expect(new Set(kept.map((k) => k.record_id))).to.deep.equal(new Set([cited, notice]));
      for (const k of kept)
        expect(Date.parse(k.keep_until)).to.be.greaterThan(Date.now() + 2.9 * 365 * 86_400_000);
      expect(await erasuresOf(cited)).to.deep.equal([]);
      expect((await auditNotary(swept)).discrepancies).to.deep.equal([]);
    } finally {
      await swept.stop();
    }
  });
});
