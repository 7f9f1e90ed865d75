import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendFetch, bodyReader, closeAgents, fetchBackendFile } from "./http";
import type { BackendConfig } from "./types";

let server: http.Server;
let backend: BackendConfig;
let sent = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const size = Number(new URL(req.url!, "http://x").searchParams.get("size"));
    // Chunked, with no length declared: only reading tells the size.
    res.writeHead(200, { "content-type": "image/png" });
    const piece = Buffer.alloc(64 * 1024, 1);
    let left = size;
    const write = () => {
      while (left > 0) {
        const n = Math.min(left, piece.length);
        left -= n;
        sent += n;
        if (!res.write(piece.subarray(0, n))) return void res.once("drain", write);
      }
      res.end();
    };
    res.on("close", () => (left = 0));
    write();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  backend = { id: "b", name: "b", engine: "openai", baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: null, machineName: "m", enabled: true, timeoutMs: 5000 };
});
afterAll(async () => {
  await closeAgents();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it("reads a backend's file within the limit", async () => {
  expect((await fetchBackendFile(backend, "/files/a.png?size=1000", 1 << 20))!.byteLength).toBe(1000);
});

it("stops reading a file over the limit", async () => {
  sent = 0;
  expect(await fetchBackendFile(backend, "/files/a.png?size=104857600", 1 << 20)).toBeNull();
  expect(sent).toBeLessThan(100 * 1024 * 1024);
});

it("never fetches from another origin", async () => {
  expect(await fetchBackendFile(backend, "http://169.254.169.254/latest", 1 << 20)).toBeNull();
});

describe("answers read whole (buffered)", () => {
  let json: http.Server;
  let jsonBackend: BackendConfig;
  const connections = new Set<string>();

  beforeAll(async () => {
    json = http.createServer((req, res) => {
      connections.add(`${req.socket.remotePort}`);
      const url = new URL(req.url!, "http://x");
      const kind = url.pathname.split("/").pop();
      if (kind === "bom") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":"é"}')]));
      } else if (kind === "pieces") {
        // A multi-byte character cut between two writes.
        res.writeHead(200, { "content-type": "application/json", "x-extra": "1" });
        const bytes = Buffer.from('{"text":"déjà vu"}');
        res.write(bytes.subarray(0, 11));
        setTimeout(() => res.end(bytes.subarray(11)), 20);
      } else if (kind === "huge-error") {
        // An error answer that never ends: only its beginning is kept, and the call does not wait for the rest.
        res.writeHead(500, { "content-type": "text/plain" });
        const piece = Buffer.alloc(16 * 1024, 120);
        const timer = setInterval(() => res.write(piece), 1);
        res.on("close", () => clearInterval(timer));
      } else if (kind === "cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"partial":');
        setTimeout(() => res.destroy(), 20);
      } else if (kind === "slow") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"slow":');
        const timer = setTimeout(() => res.end("true}"), 5_000);
        res.on("close", () => clearTimeout(timer));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => json.listen(0, "127.0.0.1", r));
    const { port } = json.address() as AddressInfo;
    jsonBackend = { id: "j", name: "j", engine: "openai", baseUrl: `http://127.0.0.1:${port}/v1/`, apiKey: null, machineName: "m", enabled: true, timeoutMs: 5000 };
  });
  afterAll(async () => {
    json.closeAllConnections();
    await new Promise((r) => json.close(r));
  });

  const call = (kind: string, signal?: AbortSignal) => backendFetch(jsonBackend, `/${kind}`, { method: "POST", body: "{}", headers: { "content-type": "application/json" }, buffered: true, signal });

  it("reads the whole answer, as fetch would, whatever the pieces it came in", async () => {
    expect(await (await call("bom")).json()).toEqual({ ok: "é" });
    const res = await call("pieces");
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get("x-extra")).toBe("1");
    expect(await res.text()).toBe('{"text":"déjà vu"}');
    await expect(res.text()).rejects.toThrow(/unusable/);
    const bytes = await (await call("pieces")).arrayBuffer();
    expect(Buffer.from(bytes).toString()).toBe('{"text":"déjà vu"}');
    // Read as a Web stream too (how an error answer is read for the log).
    const streamed = await new Response((await call("pieces")).body).text();
    expect(streamed).toBe('{"text":"déjà vu"}');
  });

  it("keeps only the beginning of an error answer and stops receiving the rest", async () => {
    const res = await call("huge-error");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(text.length).toBeLessThan(64 * 1024 + 16 * 1024 + 1);
  });

  it("fails the body, not the call, when the backend breaks off after its headers", async () => {
    const res = await call("cut");
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("stops at once when its signal aborts, before or during the answer", async () => {
    await expect(call("slow", AbortSignal.abort())).rejects.toThrow();
    const controller = new AbortController();
    const res = await call("slow", controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    await expect(res.text()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    // A body given up is not waited for either.
    const given = await call("slow");
    const reader = given.body!.getReader();
    const cancelled = Date.now();
    await reader.cancel();
    expect(Date.now() - cancelled).toBeLessThan(2_000);
  });
});

describe("streamed answers", () => {
  let sse: http.Server;
  let sseBackend: BackendConfig;
  let connections = 0;
  let closedEarly = 0;

  beforeAll(async () => {
    sse = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (req.url!.endsWith("/endless")) {
        // Events until the client goes away.
        const timer = setInterval(() => res.write('data: {"n":1}\n\n'), 5);
        res.on("close", () => {
          clearInterval(timer);
          if (!res.writableFinished) closedEarly++;
        });
        return;
      }
      // The whole stream in one write, its end right after: as a fast engine sends it.
      res.end('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    });
    sse.on("connection", () => connections++);
    await new Promise<void>((r) => sse.listen(0, "127.0.0.1", r));
    const { port } = sse.address() as AddressInfo;
    sseBackend = { id: "s", name: "s", engine: "openai", baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: null, machineName: "m", enabled: true, timeoutMs: 5000 };
  });
  afterAll(async () => {
    sse.closeAllConnections();
    await new Promise((r) => sse.close(r));
  });

  const stream = (path: string) => backendFetch(sseBackend, path, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });

  it("keeps the connection of a stream read to its last event, and closes one given up in the middle", async () => {
    connections = 0;
    for (let i = 0; i < 5; i++) {
      const res = await stream("/chat/completions");
      const reader = bodyReader(res);
      let text = "";
      while (!text.includes("[DONE]")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      expect(text).toContain("[DONE]");
      // The relay stops at [DONE] and gives the body up without reading its end: the body ends as it is, not aborted
      // (an abort costs an error and its stack, for a request that is complete).
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 10));
      const raw = (res as unknown as { raw: { readableEnded: boolean; errored: Error | null } }).raw;
      expect(raw.errored).toBeNull();
      expect(raw.readableEnded).toBe(true);
    }
    expect(connections).toBe(1);

    const reader = bodyReader(await stream("/chat/endless"));
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 100 && closedEarly === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The backend saw the client go: it stops generating.
    expect(closedEarly).toBe(1);
  });
});
