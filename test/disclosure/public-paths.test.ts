import { expect } from "chai";
import { isFreeTextField, isPersonalField } from "../../service/disclosure";
import type { Json, JsonPath } from "../../service/disclosure/selective";
import { referencedFileNames } from "../../service/records";
import { exampleRecord } from "../support/http-client";
import { startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

const PUBLIC_URL = "https://notary.example.com";

/**
 * A marker in every personal field of a record's metadata (the catalogue's own rule decides
 * which), each unique, returned with the markers. Free text, which publication shows masked,
 * gets what masking removes (an e-mail, a phone, an identity number) added to it; schema words
 * (`type`, enum tokens) stay as they are.
 */
function plantMarkers(kind: string, metadata: Json, markers: Set<string>): Json {
  const mark = (value: string, key: string): string => {
    const n = String(markers.size).padStart(4, "0");
    if (key === "type" || /^[a-z_]+$/.test(value)) return value;
    if (isFreeTextField(key)) {
      const planted = [`mk${n}t@marker.example`, `139${n}${n}`.slice(0, 11), `11010119900307${n}`];
      planted.forEach((m) => markers.add(m));
      return `${value} 联系 ${planted[0]}，电话 ${planted[1]}，身份证 ${planted[2]}`;
    }
    const planted =
      key === "email"
        ? `mk${n}e@marker.example`
        : key === "ip"
          ? `198.51.100.${markers.size % 250}` // TEST-NET-2: never contacted
          : `MARK${n}Z ${value}`;
    markers.add(planted);
    return planted;
  };
  const all = (node: Json, key: string): Json => {
    if (typeof node === "string") return mark(node, key);
    if (Array.isArray(node)) return node.map((e) => all(e, key));
    if (node && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, all(v, k)]));
    return node;
  };
  const walk = (node: Json, path: JsonPath): Json => {
    if (Array.isArray(node)) return node.map((e, i) => walk(e, [...path, i]));
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        isPersonalField(kind, [...path, k], node) ? all(v, k) : walk(v, [...path, k]),
      ]),
    );
  };
  return walk(metadata, []);
}

/** An answer as whoever reads it would: with any disclosure in it (base64url JSON) decoded. */
function readable(text: string): string {
  const decoded = [...text.matchAll(/[A-Za-z0-9_-]{20,}/g)].flatMap(([token]) => {
    const json = Buffer.from(token, "base64url").toString("utf8");
    try {
      return Array.isArray(JSON.parse(json)) ? [json] : [];
    } catch {
      return [];
    }
  });
  return [text, ...decoded].join("\n");
}

/** The links a public answer offers: HTML href and src, and URLs in JSON strings. */
function linksIn(text: string): string[] {
  const links = [...text.matchAll(/(?:href|src)="([^"#]+)"/g)].map((m) => m[1]!);
  links.push(
    ...[...text.matchAll(/"(https:\/\/notary\.example\.com[^"]*|\/(?:v1\/)?public[^"]*)"/g)].map(
      (m) => m[1]!,
    ),
  );
  return links.map((l) => l.replaceAll("&amp;", "&"));
}

/**
 * DESIGN §7's promise, tried as an outsider would: from every public entry point, follow every
 * link without a key (a verification link as the page follows it, to its certificate lookup)
 * and look for every personal value the ledger keeps in any answer.
 */
describe("public paths never answer a personal value", function () {
  this.timeout(180_000);
  let notary: TestNotary;
  const markers = new Set<string>();
  const sampleLinks: string[] = [];

  before(async () => {
    notary = await startTestNotary({ PUBLIC_URL });
    const post = async (
      kind: string,
      links: { rel: string; id: string }[] = [],
      edit = (_: Record<string, unknown>) => {},
    ) => {
      const record = await exampleRecord(kind, links);
      edit(record.metadata as Record<string, unknown>);
      record.metadata = plantMarkers(kind, record.metadata as Json, markers);
      const files = referencedFileNames(record as Parameters<typeof referencedFileNames>[0]).map(
        (name) => ({ name, content: `${kind} ${name}` }),
      );
      const answer = await notary.client.postRecord(record, files);
      expect(answer.status, `${kind}: ${JSON.stringify(answer.body)}`).to.equal(201);
      return (answer.body as { id: string }).id;
    };
    const evidence = await post("evidence");
    // Complete (art. 42): only a complete notice is published as one.
    const notice = await post("notice", [{ rel: "evidence", id: evidence }], (m) => {
      (m.right as Record<string, unknown>).proofFiles = ["商标注册证.pdf"];
    });
    const declaration = await post("counter_notice", [
      { rel: "answers", id: notice },
      { rel: "evidence", id: evidence },
    ]);
    const commitment = await post("commitment");
    const report = await post("report");
    const penalty = await post("penalty_decision");
    const ids = [evidence, notice, declaration, commitment, report, penalty];
    for (const kind of ["filing", "activity", "mediation", "campaign", "contact_directory"])
      ids.push(await post(kind));
    const act = (type: string, concerns: string) =>
      post("action", [{ rel: "concerns", id: concerns }], (m) =>
        Object.assign(m, {
          type,
          ...(type === "publish_penalty" && { warningText: "警示：违规销售" }),
        }),
      );
    ids.push(
      await act("takedown", notice),
      await act("publish_notice", notice),
      await act("publish_declaration", declaration),
      await act("publish_result", notice),
      await act("publish_penalty", penalty),
      await act("publish_commitment", commitment),
      await act("publish_report", report),
    );
    for (const id of ids) await waitAnchored(notary.client, id);
    // The binder is the platform's, but the sample links it prints are for anyone to follow.
    const now = new Date();
    const binder = await notary.client.get(
      `/v1/reports/gbt39550?from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${new Date(now.getTime() + 86_400_000).toISOString()}&format=html`,
    );
    expect(binder.status).to.equal(200);
    sampleLinks.push(...linksIn(binder.body as string).filter((l) => l.startsWith(PUBLIC_URL)));
  });
  after(async () => notary?.stop());

  it("from the publication page, the contact directory and the binder's samples", async () => {
    expect(markers.size, "personal values to look for").to.be.greaterThan(40);
    expect(sampleLinks.length, "the binder links samples").to.be.greaterThan(3);
    const anonymous = notary.client.withKey(undefined);
    const queue = [
      "/public/publications",
      "/v1/public/publications",
      "/public/contacts",
      "/v1/public/contacts",
      ...sampleLinks,
    ];
    const seen = new Set<string>();
    let lookups = 0;
    let closed = 0;
    while (queue.length > 0) {
      const link = queue.shift()!;
      const url = new URL(link, PUBLIC_URL);
      if (url.origin !== PUBLIC_URL) continue;
      const path = url.pathname + url.search;
      if (seen.has(path)) continue;
      seen.add(path);
      const answer = await anonymous.get(path);
      // A link for keyholders (the binder's certificate links) is closed to the public.
      if (answer.status === 401) {
        closed++;
        continue;
      }
      expect(answer.status, path).to.be.below(400);
      const text = readable(
        typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body),
      );
      for (const marker of markers)
        expect(text, `${path} answers ${marker}`).not.to.include(marker);
      // Resolved as a browser does, against the page the link is on (`?lang=en` included).
      queue.push(...linksIn(text).map((l) => new URL(l, url).href));
      // The verification page looks the certificate up: the answer a visitor's browser gets.
      const number = url.searchParams.get("certificate");
      const code = url.searchParams.get("code");
      if (url.pathname === "/verify" && number && code) {
        queue.push(`/v1/certificates/${number}?code=${code}`);
        lookups++;
      }
    }
    expect(lookups, "verification links followed").to.be.greaterThan(8);
    expect(seen.size - closed, "public answers read").to.be.greaterThan(lookups * 2);
  });
});
