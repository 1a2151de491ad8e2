import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiKeyFile, hashApiKey, newApiKey, writeKeyEntries } from "../../service/keys";

describe("API keys file", () => {
  const entry = (id: string, key: string) => ({
    id,
    name: id,
    role: "regulator" as const,
    keySha256: hashApiKey(key),
  });

  it("answers every request that arrives while the file is re-read from the new keys", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "keys-")), "api-keys.json");
    const [kept, revoked, added] = [newApiKey(), newApiKey(), newApiKey()];
    await writeKeyEntries(file, [entry("kept", kept), entry("revoked", revoked)]);
    const { keyFile } = await ApiKeyFile.open(file, { createIfMissing: false });
    expect((await keyFile.find(revoked))?.id).to.equal("revoked");

    await writeKeyEntries(file, [entry("kept", kept), entry("added", added)]);
    await new Promise((r) => setTimeout(r, 1_100)); // re-read at most once a second
    const found = await Promise.all(
      [added, revoked, kept, added, revoked].map((key) => keyFile.find(key)),
    );
    expect(found.map((k) => k?.id)).to.deep.equal(["added", undefined, "kept", "added", undefined]);
  });
});
