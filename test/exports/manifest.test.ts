import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { readFileSync } from "node:fs";
import { manifestJsonSchema, parseManifest } from "../../service/exports";

const SCHEMA_FILE = "service/exports/evidence-export-v1.schema.json";
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as object;

describe("export manifest format evidence-export/v1", () => {
  const manifest = {
    format: "evidence-export/v1",
    createdAt: "2026-11-28T03:00:00.000Z",
    ledger: {
      chainId: "31337",
      contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      operator: "0x0",
    },
    filters: { kind: "notice" },
    entries: [{ name: "3-notices.jsonl", sha256: "ab".repeat(32), bytes: 10, rows: 1 }],
  };

  it("publishes the JSON Schema generated from the validating zod schema", () => {
    expect(read(SCHEMA_FILE), "run npm run schemas").to.deep.equal(
      JSON.parse(JSON.stringify(manifestJsonSchema())),
    );
    const validate = new Ajv2020({ strict: false }).compile(read(SCHEMA_FILE));
    expect(validate(manifest)).to.equal(true);
    expect(validate({ ...manifest, format: "evidence-export/v2" })).to.equal(false);
  });

  it("reads v1 and v1.x, refuses a later major version and a manifest with no format", () => {
    expect(parseManifest({ ...manifest, note: "a v1.1 field" }).entries).to.have.length(1);
    expect(() => parseManifest({ ...manifest, format: "evidence-export/v2" }))
      .to.throw()
      .with.property("code", "MANIFEST_UNSUPPORTED_FORMAT");
    expect(() => parseManifest({ ...manifest, format: undefined }))
      .to.throw()
      .with.property("code", "MANIFEST_MALFORMED");
  });
});
