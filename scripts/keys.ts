/**
 * Manages API keys in the keys file (API_KEYS_FILE, or DATA_DIR/keys/api-keys.json). Keys are
 * stored as SHA-256 only; a new key is printed once, here, and nowhere else. The running
 * service picks changes up within a second.
 *
 *   npm run keys -- add --role regulator --name "SAMR inspector" [--party 91310000MA1FL0XX1X] [--id ID]
 *   npm run keys -- list
 *   npm run keys -- revoke --id ID
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { runMain, UsageError } from "./cli";
import { loadConfig } from "../service/config";
import {
  addKeyEntry,
  hashApiKey,
  newApiKey,
  readKeyEntries,
  revokeKeyEntry,
  ROLES,
  updateKeyEntries,
  type Role,
} from "../service/keys";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      party: { type: "string", multiple: true, default: [] },
      id: { type: "string" },
    },
  });
  const file = loadConfig().apiKeysFile;
  if (command === "add") {
    if (!values.role || !(ROLES as readonly string[]).includes(values.role))
      throw new UsageError(`--role is one of ${ROLES.join(", ")}`);
    if (!values.name) throw new UsageError("--name is required");
    const id = values.id ?? `k_${randomBytes(6).toString("hex")}`;
    const key = newApiKey();
    const entry = {
      id,
      name: values.name,
      role: values.role as Role,
      parties: values.party,
      keySha256: hashApiKey(key),
    };
    await updateKeyEntries(file, (keys) => addKeyEntry(keys, entry));
    process.stderr.write(`added key ${id} (${values.role}) to ${file}; it is shown once:\n`);
    process.stdout.write(`${key}\n`);
  } else if (command === "list") {
    for (const k of await readKeyEntries(file))
      process.stdout.write(
        `${k.id}\t${k.role ?? "platform"}\t${k.name}\t${(k.parties ?? []).join(",")}\n`,
      );
  } else if (command === "revoke") {
    if (!values.id) throw new UsageError("--id names the key to revoke");
    const id = values.id;
    await updateKeyEntries(file, (keys) => revokeKeyEntry(keys, id));
    process.stderr.write(`revoked key ${values.id}\n`);
  } else {
    throw new UsageError("commands: add, list, revoke");
  }
}

runMain(main);
