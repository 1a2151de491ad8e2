import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { referencedFileNames } from "../../service/records";
import { providerChainReader } from "../../service/chain-reader";
import { verifyReceipt } from "../../service/verify";
import { exampleRecord, type HttpClient } from "../support/http-client";
import {
  clientWithKey,
  regulatorClient,
  startTestNotary,
  waitAnchored,
  type TestNotary,
} from "../support/notary";

const ID_CARD = "the rights holder's representative's identity card 8c1f";

interface Shown {
  disclosures: string[];
  notifier: Record<string, unknown>;
}

/**
 * The README's table "Who sees what", read through the API as each reader: what the receipt
 * discloses and what the record shows of the notice's notifier (an organisation: its name is
 * public, its identity number, address, phone and e-mail personal).
 */
describe("who sees what of a record's personal values", function () {
  this.timeout(120_000);
  let notary: TestNotary;
  let noticeId: string;
  const readers = {} as Record<"holder" | "merchant" | "regulator" | "stranger", HttpClient>;

  before(async () => {
    notary = await startTestNotary({ BATCH_MAX_WAIT_MS: "100" });
    readers.holder = await clientWithKey(notary, {
      id: "luma",
      role: "rights_holder",
      parties: ["91310000MA1FL0XX1X"],
    });
    readers.merchant = await clientWithKey(notary, {
      id: "happy-feet",
      role: "merchant",
      parties: ["shop:s-5521"],
    });
    readers.stranger = await clientWithKey(notary, {
      id: "other-shop",
      role: "merchant",
      parties: ["shop:s-9999"],
    });
    readers.regulator = await regulatorClient(notary);
    // The notice carries the holder's identity card, marked personal, besides its proof files.
    const notice = await exampleRecord("notice");
    const files = referencedFileNames(notice as Parameters<typeof referencedFileNames>[0]).map(
      (name) => ({ name, content: `${name} of the notice` }),
    );
    const answer = await readers.holder.postRecord({ ...notice, personalFiles: ["id-card.png"] }, [
      ...files,
      { name: "id-card.png", content: ID_CARD },
    ]);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    noticeId = (answer.body as { id: string }).id;
    await waitAnchored(notary.client, noticeId);
  });
  after(async () => notary?.stop());

  const shownTo = async (client: HttpClient): Promise<Shown> => {
    const receipt = (await client.get(`/v1/records/${noticeId}/receipt`)).body as {
      disclosures: string[];
    };
    const verified = await verifyReceipt({
      receipt,
      fileDigests: [],
      chain: providerChainReader(notary.chain.provider),
    });
    expect(verified.verdict).to.equal("valid");
    const { record } = (await client.get(`/v1/records/${noticeId}`)).body as {
      record: { metadata: { notifier: Record<string, unknown> } };
    };
    return { disclosures: receipt.disclosures, notifier: record.metadata.notifier };
  };

  it("shows the submitter, the platform and a regulator every value", async () => {
    const all = await shownTo(notary.client);
    expect(all.disclosures.length).to.be.greaterThan(5);
    for (const reader of [readers.holder, readers.regulator]) {
      const shown = await shownTo(reader);
      expect(shown.disclosures.sort()).to.deep.equal([...all.disclosures].sort());
      expect(shown.notifier).to.include.keys("idDocument", "address", "phone", "email");
    }
  });

  it("shows the merchant the notice names what the law forwards: no identity number", async () => {
    const all = await shownTo(notary.client);
    const shown = await shownTo(readers.merchant);
    expect(shown.disclosures.length).to.equal(all.disclosures.length - 1);
    expect(shown.notifier).to.include.keys("legalName", "address", "phone", "email");
    expect(shown.notifier).to.not.have.property("idDocument");
  });

  it("gives a file marked personal to the submitter, the platform and a regulator only", async () => {
    const url = `/v1/records/${noticeId}/files/${createHash("sha256").update(ID_CARD).digest("hex")}`;
    for (const reader of [readers.holder, readers.regulator, notary.client])
      expect((await reader.getBytes(url)).bytes.toString()).to.equal(ID_CARD);
    const refused = await readers.merchant.get(url);
    expect([
      refused.status,
      (refused.body as { error: { code: string } }).error.code,
    ]).to.deep.equal([403, "FILE_PERSONAL"]);
    const listed = (await readers.merchant.get(`/v1/records/${noticeId}`)).body as {
      files: { name: string; withheld?: boolean; url?: string }[];
    };
    expect(listed.files.find((f) => f.name === "id-card.png")).to.deep.include({ withheld: true });
    expect(listed.files.find((f) => f.name === "id-card.png")).to.not.have.property("url");
    // The merchant's court bundle leaves it out and says so; the holder's carries it.
    const unzip = async (client: HttpClient, name: string) => {
      const path = join(notary.dataDir, "..", `${name}-${noticeId}.zip`);
      await writeFile(path, (await client.getBytes(`/v1/records/${noticeId}/bundle`)).bytes);
      return {
        entries: (await promisify(execFile)("unzip", ["-Z1", path])).stdout,
        readme: (await promisify(execFile)("unzip", ["-p", path, "README.txt"])).stdout,
      };
    };
    const merchants = await unzip(readers.merchant, "merchant");
    expect(merchants.entries).to.not.include("id-card.png");
    expect(merchants.readme).to.include("id-card.png").and.to.include("not disclosed");
    expect((await unzip(readers.holder, "holder")).entries).to.include("id-card.png");
  });

  it("shows a party outside the case nothing, and the public the committed record alone", async () => {
    expect((await readers.stranger.get(`/v1/records/${noticeId}/receipt`)).status).to.equal(403);
    const certificate = (await notary.client.get(`/v1/records/${noticeId}/certificate?format=json`))
      .body as { verifyUrl: string };
    const url = new URL(certificate.verifyUrl);
    const looked = (
      await notary.client
        .withKey(undefined)
        .get(
          `/v1/certificates/${url.searchParams.get("certificate")}?code=${url.searchParams.get("code")}`,
        )
    ).body as { receipt: { disclosures: string[]; record: { metadata: { notifier: object } } } };
    expect(looked.receipt.disclosures).to.deep.equal([]);
    expect(looked.receipt.record.metadata.notifier).to.not.have.any.keys(
      "idDocument",
      "address",
      "phone",
      "email",
    );
  });
});
