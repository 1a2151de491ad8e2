import { expect } from "chai";
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
    const answer = await readers.holder.postRecord(await exampleRecord("notice"));
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
