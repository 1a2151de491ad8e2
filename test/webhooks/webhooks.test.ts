import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { postOutbound } from "../../service/egress";
import { signDelivery, webhookSecret } from "../../service/webhooks";
import { exampleRecord, type HttpClient } from "../support/http-client";
import { clientWithKey, startTestNotary, waitAnchored, type TestNotary } from "../support/notary";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver: records every POST; answers 500 to the first `failFirst` of them. */
async function startReceiver(
  failFirst = 0,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: {
          "webhook-id": req.headers["webhook-id"] as string,
          "webhook-timestamp": req.headers["webhook-timestamp"] as string,
          "webhook-signature": req.headers["webhook-signature"] as string,
        },
        body,
      });
      res.writeHead(failures-- > 0 ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const until = async (check: () => boolean, ms = 20_000) => {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > deadline) throw new Error("timed out waiting for deliveries");
};

describe("webhooks", function () {
  this.timeout(90_000);

  it("signs a delivery as Standard Webhooks do: a receiver using that library accepts it, and refuses it altered, replayed late or under another id", () => {
    const stored = "ab".repeat(32);
    const body = '{"id":"e1"}';
    const at = new Date();
    const headers = signDelivery(stored, { id: "msg_1", at, body });
    const receiver = new Webhook(webhookSecret(stored));
    expect(receiver.verify(body, headers)).to.deep.equal({ id: "e1" });
    expect(() => receiver.verify('{"id":"e2"}', headers)).to.throw();
    expect(() => receiver.verify(body, { ...headers, "webhook-id": "msg_2" })).to.throw();
    const late = signDelivery(stored, { id: "msg_1", at: new Date(at.getTime() - 600_000), body });
    expect(() => receiver.verify(body, late)).to.throw();
  });

  describe("where private addresses are refused (the default)", () => {
    let notary: TestNotary;
    before(async () => (notary = await startTestNotary()));
    after(async () => notary?.stop());

    it("refuses at registration every URL that leads inside, contacting none of them", async () => {
      // Literal addresses are judged without a connection; names are resolved, never contacted.
      const inside = [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://[::ffff:127.0.0.1]:9/hook",
        "http://0.0.0.0/hook",
        "http://[::]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
        "http://224.0.0.1/hook",
        "http://2130706433/hook", // 127.0.0.1 written as one number
      ];
      for (const url of inside) {
        const answer = await notary.client.postJson("/v1/webhooks", { url });
        expect(
          [answer.status, (answer.body as { error: { code: string } }).error.code],
          url,
        ).to.deep.equal([400, "WEBHOOK_URL_PRIVATE"]);
      }
      const unresolved = await notary.client.postJson("/v1/webhooks", {
        url: "http://metadata.google.internal/computeMetadata/v1/",
      });
      expect((unresolved.body as { error: { code: string } }).error.code).to.be.oneOf([
        "WEBHOOK_URL_UNRESOLVED",
        "WEBHOOK_URL_PRIVATE",
      ]);
      expect(
        ((await notary.client.get("/v1/webhooks")).body as { webhooks: [] }).webhooks,
      ).to.have.length(0);
    });

    it("checks the address again at delivery, and reports only a code", async () => {
      const hook = await startReceiver();
      try {
        for (const url of [hook.url, hook.url.replace("127.0.0.1", "localhost")]) {
          const outcome = await postOutbound(new URL(url), {
            headers: {},
            body: "{}",
            timeoutMs: 2_000,
            policy: { allowPrivate: false },
          });
          expect(outcome, url).to.deep.equal({
            ok: false,
            statusClass: null,
            code: "ADDRESS_NOT_PUBLIC",
          });
        }
        expect(hook.received).to.deep.equal([]);
        // Allowed, the same request arrives: the refusal above was the filter's.
        const allowed = await postOutbound(new URL(hook.url), {
          headers: {},
          body: "{}",
          timeoutMs: 2_000,
          policy: { allowPrivate: true },
        });
        expect(allowed).to.deep.equal({ ok: true, statusClass: "2xx" });
        expect(hook.received).to.have.length(1);
      } finally {
        await hook.close();
      }
    });
  });

  describe("over HTTP", () => {
    let notary: TestNotary;
    let holder: HttpClient;
    let stranger: HttpClient;
    before(async () => {
      notary = await startTestNotary({
        // The receivers are on loopback: allowed here, refused by default (tested above).
        WEBHOOK_ALLOW_PRIVATE: "true",
        WEBHOOK_RETRY_BASE_MS: "50",
        WEBHOOK_DEADLINE_SCAN_MS: "200",
        // Ten days: the steps of a new notice (due in 3 to 5 working days) are "due soon".
        WEBHOOK_DEADLINE_HOURS: "240",
      });
      holder = await clientWithKey(notary, {
        id: "luma",
        role: "rights_holder",
        parties: ["91310000MA1FL0XX1X"], // the notice example's notifier
      });
      stranger = await clientWithKey(notary, {
        id: "other",
        role: "rights_holder",
        parties: ["x"],
      });
    });
    after(async () => notary?.stop());

    const subscribe = async (client: HttpClient, url: string, events?: string[]) => {
      const answer = await client.postJson("/v1/webhooks", { url, ...(events && { events }) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer.body as { id: string; secret: string };
    };

    it("tells each subscriber, signed, of what it may know: anchoring and actions on its cases, retried until received", async () => {
      const platformHook = await startReceiver(1); // the first delivery fails, then is retried
      const holderHook = await startReceiver();
      const strangerHook = await startReceiver();
      try {
        const platform = await subscribe(notary.client, platformHook.url);
        const own = await subscribe(holder, holderHook.url);
        await subscribe(stranger, strangerHook.url);

        const evidence = await notary.client.postRecord(await exampleRecord("evidence"));
        const evidenceId = (evidence.body as { id: string }).id;
        const notice = await notary.client.postRecord(
          await exampleRecord("notice", [{ rel: "evidence", id: evidenceId }]),
        );
        const noticeId = (notice.body as { id: string }).id;
        const action = await notary.client.postRecord(
          await exampleRecord("action", [{ rel: "concerns", id: noticeId }]),
        );
        const actionId = (action.body as { id: string }).id;
        await waitAnchored(notary.client, actionId);

        const events = (r: { received: Received[] }) =>
          r.received.map(
            (d) => JSON.parse(d.body) as { id: string; type: string; data: Record<string, string> },
          );
        await until(() => events(holderHook).some((e) => e.type === "case.action"));
        await until(
          () => events(platformHook).filter((e) => e.type === "record.anchored").length >= 3,
        );

        // The rights holder hears of its notice and the action on its case, not of the evidence.
        const held = events(holderHook);
        expect(
          held.filter((e) => e.type === "case.action").map((e) => e.data.actionId),
        ).to.deep.equal([actionId]);
        const anchoredForHolder = held
          .filter((e) => e.type === "record.anchored")
          .map((e) => e.data.recordId);
        expect(anchoredForHolder).to.include(noticeId).and.not.to.include(evidenceId);
        // A stranger hears nothing; every delivery verifies with its subscription's secret.
        expect(strangerHook.received).to.deep.equal([]);
        for (const [hook, secret] of [
          [holderHook, own.secret],
          [platformHook, platform.secret],
        ] as const) {
          const receiver = new Webhook(secret);
          for (const d of hook.received)
            expect(receiver.verify(d.body, d.headers)).to.deep.equal(JSON.parse(d.body));
          // One id per delivery, the same on its retries: a receiver refuses one it has seen.
          const ids = new Set(hook.received.map((d) => d.headers["webhook-id"]));
          const events = new Set(
            hook.received.map((d) => (JSON.parse(d.body) as { id: string }).id),
          );
          expect(ids.size).to.equal(events.size);
        }

        // The first delivery to the platform failed (500) and was delivered on a retry.
        const log = (
          (await notary.client.get(`/v1/webhooks/${platform.id}/deliveries`)).body as {
            deliveries: { status: string; attempts: number; lastStatus: string | null }[];
          }
        ).deliveries;
        expect(
          log.some((d) => d.status === "delivered" && d.attempts === 2 && d.lastStatus === "2xx"),
        ).to.equal(true);
        const listed = (await holder.get("/v1/webhooks")).body as {
          webhooks: { id: string; secret?: string }[];
        };
        expect(listed.webhooks.map((w) => w.id)).to.deep.equal([own.id]);
        expect(listed.webhooks[0]!.secret).to.equal(undefined);
      } finally {
        await Promise.all([platformHook, holderHook, strangerHook].map((h) => h.close()));
      }
    });

    it("reminds a case's parties of a step due within the day, once per step", async () => {
      const hook = await startReceiver();
      try {
        await subscribe(holder, hook.url, ["case.deadline"]);
        const evidence = await notary.client.postRecord(await exampleRecord("evidence"));
        const notice = await notary.client.postRecord(
          await exampleRecord("notice", [
            { rel: "evidence", id: (evidence.body as { id: string }).id },
          ]),
        );
        const noticeId = (notice.body as { id: string }).id;
        const reminded = () =>
          hook.received
            .map(
              (d) =>
                JSON.parse(d.body) as {
                  id: string;
                  type: string;
                  data: { caseId: string; step: string };
                },
            )
            .filter((e) => e.data.caseId === noticeId);
        await until(() =>
          reminded().some((e) => e.data.step === "notice forwarded to the merchant"),
        );
        await new Promise((r) => setTimeout(r, 1_000)); // several more scans
        const reminders = reminded();
        expect(reminders.every((e) => e.type === "case.deadline")).to.equal(true);
        expect(reminders.map((e) => e.data.step)).to.include.members([
          "notice forwarded to the merchant",
          "necessary measures taken",
        ]);
        // Several scans ran: each step is reminded once at most.
        expect(new Set(reminders.map((e) => e.id)).size).to.equal(reminders.length);
      } finally {
        await hook.close();
      }
    });

    it("refuses a URL that is not http(s) or points at the service itself, storing nothing", async () => {
      for (const [url, code] of [
        ["ftp://example.com/hook", "WEBHOOK_URL_INVALID"],
        ["not a url", "WEBHOOK_URL_INVALID"],
        [`${notary.url}/v1/records`, "WEBHOOK_URL_SELF"],
      ] as const) {
        const answer = await stranger.postJson("/v1/webhooks", { url });
        expect([
          answer.status,
          (answer.body as { error: { code: string } }).error.code,
        ]).to.deep.equal([400, code]);
      }
      const listed = (await stranger.get("/v1/webhooks")).body as { webhooks: unknown[] };
      expect(listed.webhooks).to.have.length(1); // only the one subscribed in the test before
      const gone = await stranger.get(
        "/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries",
      );
      expect(gone.status).to.equal(404);
    });
  });
});
