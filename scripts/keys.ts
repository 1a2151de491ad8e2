/**
 * Manages API keys where the service keeps them: the keys file (API_KEYS_FILE, or
 * DATA_DIR/keys/api-keys.json), or with DATABASE_URL on PostgreSQL the database's table that
 * every replica reads. Keys are stored as SHA-256 only; a new key is printed once, here, and
 * nowhere else. Running services pick changes up within a second.
 *
 *   npm run keys -- add --role regulator --name "SAMR inspector" [--party 91310000MA1FL0XX1X] [--id ID]
 *   npm run keys -- list
 *   npm run keys -- revoke --id ID
 */
import { randomBytes } from "node:crypto";
import { EXIT, parseCommandLine, runMain, UsageError } from "./cli";
import { loadConfig } from "../service/config";
import { openDatabase } from "../service/storage";
import {
  addKeyEntry,
  ApiKeyTable,
  hashApiKey,
  newApiKey,
  readKeyEntries,
  revokeKeyEntry,
  ROLES,
  updateKeyEntries,
  type KeyRegistry,
  type Role,
} from "../service/keys";

type KeyBook = Pick<KeyRegistry, "description" | "add" | "revoke" | "list">;

/** The keys the service reads, as it reads them: the table on PostgreSQL, else the file. */
async function openKeyBook(): Promise<{ book: KeyBook; close: () => Promise<void> }> {
  const config = loadConfig();
  const file = config.apiKeysFile;
  if (!config.databaseUrl)
    return {
      book: {
        description: file,
        add: async (entry) => void (await updateKeyEntries(file, (k) => addKeyEntry(k, entry))),
        revoke: async (id) => void (await updateKeyEntries(file, (k) => revokeKeyEntry(k, id))),
        list: () => readKeyEntries(file),
      },
      close: async () => undefined,
    };
  const { db } = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: config.sqliteFile,
    pgSchema: config.databaseSchema,
  });
  const { keys } = await ApiKeyTable.open(db, { keysFile: file, createIfMissing: false });
  return { book: keys, close: () => db.destroy() };
}

const USAGE = `usage: npm run keys -- add --role ROLE --name NAME [--party ID ...] [--id ID]
       npm run keys -- list
       npm run keys -- revoke --id ID

Manages the service's API keys where it keeps them: the keys file (API_KEYS_FILE, or
DATA_DIR/keys/api-keys.json), or the database with DATABASE_URL (PostgreSQL). Only each key's
SHA-256 is stored; a new key is printed once, here. Running services see changes within a second.
  --role    ${ROLES.join(", ")}
  --party   an identifier the key's holder is known by in records (credit code, identity
            document number, shop:<shopId>); repeat for several
`;

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    allowPositionals: true,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      party: { type: "string", multiple: true, default: [] },
      id: { type: "string" },
    },
  });
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (!["add", "list", "revoke"].includes(command ?? "") || extra.length > 0)
    throw new UsageError(
      command === undefined ? "name a command" : `unknown command ${[command, ...extra].join(" ")}`,
      USAGE,
    );
  const { book, close } = await openKeyBook();
  try {
    if (command === "add") await add(book, values);
    else if (command === "list") {
      process.stderr.write(`keys in ${book.description}:\n`);
      for (const k of await book.list())
        process.stdout.write(
          `${k.id}\t${k.role ?? "platform"}\t${k.name}\t${(k.parties ?? []).join(",")}\n`,
        );
    } else {
      if (!values.id) throw new UsageError("--id names the key to revoke");
      await book.revoke(values.id);
      process.stderr.write(`revoked key ${values.id} in ${book.description}\n`);
    }
  } finally {
    await close();
  }
  return EXIT.ok;
}

async function add(
  book: KeyBook,
  values: { role?: string; name?: string; party: string[]; id?: string },
): Promise<void> {
  if (!values.role || !(ROLES as readonly string[]).includes(values.role))
    throw new UsageError(`--role is one of ${ROLES.join(", ")}`);
  if (!values.name) throw new UsageError("--name is required");
  const id = values.id ?? `k_${randomBytes(6).toString("hex")}`;
  const key = newApiKey();
  await book.add({
    id,
    name: values.name,
    role: values.role as Role,
    parties: values.party,
    keySha256: hashApiKey(key),
  });
  process.stderr.write(
    `added key ${id} (${values.role}) to ${book.description}; it is shown once:\n`,
  );
  process.stdout.write(`${key}\n`);
}

runMain(main);
