import { expect } from "chai";
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { join } from "node:path";
import type { AnchoredReceipt } from "../../service/receipts";
import { providerChainReader } from "../../service/chain-reader";
import { verifyReceipt } from "../../service/verify";
import { exampleRecord } from "../support/http-client";
import {
  auditNotary,
  regulatorClient,
  startTestNotary,
  waitAnchored,
  type TestNotary,
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

    // So does the record's court bundle, in its README.
    const bundle = join(notary.dataDir, "..", `bundle-${id}.zip`);
    await writeFile(bundle, (await notary.client.getBytes(`/v1/records/${id}/bundle`)).bytes);
    const readme = (await promisify(execFile)("unzip", ["-p", bundle, "README.txt"])).stdout;
    expect(readme).to.include(
      `notifier.email — erased by record ${(some.body as { erasureId: string }).erasureId}`,
    );
    expect(readme).to.include(`erased by record ${erasureId}`);
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
      const post = async (kind: string, links: { rel: string; id: string }[] = []) => {
        const answer = await swept.client.postRecord(await exampleRecord(kind, links), [
          { name: "f.txt", content: `${kind} ${links.length}` },
        ]);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
        return (answer.body as { id: string }).id;
      };
      const alone = await post("evidence");
      const cited = await post("evidence");
      const notice = await post("notice", [{ rel: "evidence", id: cited }]);
      // Three years on, for the floor: every disclosure's keeping floor has passed.
      await swept.store.db
        .updateTable("record_disclosures")
        .set({ keep_until: "2020-01-01T00:00:00.000Z" })
        .execute();
      const erasuresOf = async (id: string) =>
        ((await swept.client.get(`/v1/records/${id}`)).body as { erasures: unknown[] }).erasures;
      for (let i = 0; (await erasuresOf(alone)).length === 0; i++) {
        expect(i, "the sweeper never erased").to.be.lessThan(100);
        await new Promise((r) => setTimeout(r, 100));
      }
      const [erasure] = (await erasuresOf(alone)) as { recordId: string }[];
      const record = (await swept.client.get(`/v1/records/${erasure!.recordId}`)).body as {
        record: { kind: string; metadata: { trigger: string; legalBasis: string } };
      };
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
