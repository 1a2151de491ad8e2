import { expect } from "chai";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addKeyEntry,
  ApiKeyFile,
  hashApiKey,
  KeysFileError,
  newApiKey,
  readKeyEntries,
  revokeKeyEntry,
  updateKeyEntries,
  writeKeyEntries,
} from "../../service/keys";

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

  it("serialises concurrent read-modify-writes, leaving no temporary file behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keys-"));
    const file = join(dir, "api-keys.json");
    await writeKeyEntries(file, []);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        updateKeyEntries(file, (keys) => addKeyEntry(keys, entry(`k${i}`, newApiKey()))),
      ),
    );
    expect((await readKeyEntries(file)).map((k) => k.id).sort()).to.have.length(30);
    expect(await readdir(dir)).to.deep.equal(["api-keys.json"]);
  });

  it("refuses to remove the last admin key, and an unknown id", () => {
    const admin = { ...entry("root", newApiKey()), role: "admin" as const };
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(codeOf(() => revokeKeyEntry([admin], "root"))).to.equal("KEY_LAST_ADMIN");
    expect(codeOf(() => revokeKeyEntry([admin], "nobody"))).to.equal("KEY_NOT_FOUND");
    const second = { ...admin, id: "root2" };
    expect(revokeKeyEntry([admin, second], "root").map((k) => k.id)).to.deep.equal(["root2"]);
  });

  it("names the file when it is not a keys file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "keys-")), "api-keys.json");
    await writeFile(file, '{"keys": [{"id": "a"');
    const error = await ApiKeyFile.open(file, { createIfMissing: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(KeysFileError);
    expect((error as KeysFileError).code).to.equal("KEYS_FILE_INVALID");
    expect((error as Error).message).to.include(file);
  });
});
