import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeAgents, fetchBackendFile } from "./http";
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
