import { readFile } from "node:fs/promises";

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface UploadFile {
  name: string;
  content: Uint8Array<ArrayBuffer> | string;
  type?: string;
}

/** A thin fetch client: real HTTP, the API key in the Authorization header. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | undefined,
  ) {}

  withKey(apiKey: string | undefined): HttpClient {
    return new HttpClient(this.baseUrl, apiKey);
  }

  async get(path: string): Promise<HttpAnswer> {
    return this.send(path, { method: "GET" });
  }

  async getBytes(path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const response = await fetch(this.baseUrl + path, { headers: this.auth() });
    return {
      status: response.status,
      bytes: Buffer.from(await response.arrayBuffer()),
      headers: response.headers,
    };
  }

  async postJson(path: string, body: unknown): Promise<HttpAnswer> {
    return this.send(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async postRecord(record: unknown, files: UploadFile[] = []): Promise<HttpAnswer> {
    const form = new FormData();
    form.append("record", typeof record === "string" ? record : JSON.stringify(record));
    for (const f of files)
      form.append(
        "files",
        new Blob([f.content], { type: f.type ?? "application/octet-stream" }),
        f.name,
      );
    return this.send("/v1/records", { method: "POST", body: form });
  }

  async postRaw(
    path: string,
    body: string | Uint8Array<ArrayBuffer>,
    contentType: string,
  ): Promise<HttpAnswer> {
    return this.send(path, { method: "POST", headers: { "content-type": contentType }, body });
  }

  private auth(): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
  }

  private async send(path: string, init: RequestInit): Promise<HttpAnswer> {
    const response = await fetch(this.baseUrl + path, {
      ...init,
      headers: { ...this.auth(), ...(init.headers as Record<string, string>) },
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body, headers: response.headers };
  }
}

export async function exampleRecord(
  kind: string,
  links: { rel: string; id: string }[] = [],
): Promise<Record<string, unknown>> {
  const example = JSON.parse(await readFile(`examples/records/${kind}.json`, "utf8")) as Record<
    string,
    unknown
  >;
  return { ...example, links };
}
