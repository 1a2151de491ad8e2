import { expect } from "chai";
import { readdir } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { startTestNotary, type TestNotary } from "../support/notary";

/** A raw client: what it was sent back, and when the server closed the socket. */
interface RawClient {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

describe("HTTP API: slow and stalled clients", function () {
  this.timeout(60_000);
  let notary: TestNotary;
  let host: string;
  let port: number;

  before(async () => {
    notary = await startTestNotary({
      HTTP_HEADERS_TIMEOUT_MS: "600",
      HTTP_BODY_IDLE_TIMEOUT_MS: "800",
      HTTP_MIN_BODY_BYTES_PER_S: "2000",
      HTTP_MIN_RATE_GRACE_MS: "1500",
      HTTP_MAX_CONNECTIONS: "40",
    });
    const url = new URL(notary.url);
    [host, port] = [url.hostname, Number(url.port)];
  });
  after(async () => notary?.stop());

  const open = async (): Promise<RawClient> => {
    const socket = connect(port, host);
    socket.on("error", () => undefined);
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    const started = Date.now();
    const closed = new Promise<number>((resolve) =>
      socket.once("close", () => resolve(Date.now() - started)),
    );
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    return { socket, received: () => text, closed };
  };
  const uploadHead = (length: number) =>
    `POST /v1/records HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${notary.client.apiKey}\r\n` +
    `Content-Type: multipart/form-data; boundary=X\r\nContent-Length: ${length}\r\n\r\n` +
    `--X\r\nContent-Disposition: form-data; name="files"; filename="slow.bin"\r\n\r\n`;
  const state = async () => {
    const files: string[] = [];
    for await (const digest of notary.files.digests()) files.push(digest);
    return {
      temp: await readdir(notary.files.tempDir),
      files,
      nextSeq: await notary.store.nextSeq(),
    };
  };
  /** The state once the aborted upload's clean-up, which runs after the socket closes, is done. */
  const nothingKept = async () => {
    for (let i = 0; i < 40 && (await readdir(notary.files.tempDir)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    return state();
  };

  it("answers half-sent headers 408 and closes them all", async () => {
    const clients = await Promise.all(Array.from({ length: 30 }, open));
    for (const c of clients) c.socket.write(`GET /v1/ledger HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
    const closedAfter = await Promise.all(clients.map((c) => c.closed));
    expect(Math.max(...closedAfter)).to.be.below(5_000);
    for (const c of clients) expect(c.received()).to.match(/^HTTP\/1\.1 408 /);
    const body = clients[0]!.received().split("\r\n\r\n")[1]!;
    expect(JSON.parse(body).error.code).to.equal("REQUEST_HEADERS_TIMEOUT");
  });

  it("answers an oversized request line 431 with a JSON code, and malformed HTTP 400", async () => {
    const long = await fetch(`${notary.url}/v1/records?merchant=${"a".repeat(20_000)}`, {
      headers: { authorization: `Bearer ${notary.client.apiKey}` },
    });
    expect(long.status).to.equal(431);
    expect(long.headers.get("content-type")).to.match(/^application\/json/);
    expect(((await long.json()) as { error: { code: string } }).error.code).to.equal(
      "REQUEST_HEADERS_TOO_LARGE",
    );
    const garbled = await open();
    garbled.socket.write("GET /v1/ledger HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    await garbled.closed;
    expect(garbled.received()).to.match(/^HTTP\/1\.1 400 /);
    expect(garbled.received()).to.contain('"code":"REQUEST_MALFORMED"');
    const doc = (await (await fetch(`${notary.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const operations of Object.values(doc.paths))
      for (const op of Object.values(operations))
        expect(op.responses).to.include.keys("408", "431");
  });

  it("answers a stalled upload 408 REQUEST_BODY_TIMEOUT and keeps none of it", async () => {
    const before = await nothingKept();
    const client = await open();
    client.socket.write(uploadHead(1_000_000) + "x".repeat(5_000));
    const closedAfter = await client.closed;
    expect(closedAfter).to.be.below(5_000);
    expect(client.received()).to.match(/^HTTP\/1\.1 408 /);
    expect(client.received()).to.include('"code":"REQUEST_BODY_TIMEOUT"');
    expect(await nothingKept()).to.deep.equal(before);
  });

  it("answers a trickling upload 408 REQUEST_BODY_TOO_SLOW and keeps none of it", async () => {
    const before = await nothingKept();
    const client = await open();
    client.socket.write(uploadHead(1_000_000));
    // 10 bytes every 50 ms: 200 bytes/s, never silent long enough to be idle.
    const trickle = setInterval(() => client.socket.write("y".repeat(10)), 50);
    const closedAfter = await client.closed.finally(() => clearInterval(trickle));
    expect(closedAfter).to.be.within(1_500, 6_000);
    expect(client.received()).to.include('"code":"REQUEST_BODY_TOO_SLOW"');
    expect(await nothingKept()).to.deep.equal(before);
  });

  it("keeps nothing of an upload whose client goes away mid-file", async () => {
    const before = await nothingKept();
    const client = await open();
    client.socket.write(uploadHead(1_000_000) + "z".repeat(100_000));
    await new Promise((r) => setTimeout(r, 200));
    client.socket.destroy();
    expect(await nothingKept()).to.deep.equal(before);
  });

  it("closes connections beyond the cap at once, and serves again once they are gone", async () => {
    // 41 for a cap of 40: whichever reaches the server last is dropped as it is accepted,
    // before any headers timeout (which would answer 408 first), so the first to close is it.
    const all = await Promise.all(Array.from({ length: 41 }, open));
    const first = await Promise.race(all.map((c) => c.closed.then(() => c)));
    expect(first.received()).to.equal("");
    const held = all.filter((c) => c !== first);
    expect(held.filter((c) => c.socket.destroyed)).to.have.length(0);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    expect((await notary.client.get("/v1/ledger")).status).to.equal(200);
  });
});
