import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findBackendByName } from "@/db/queries/backends";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

/*
 * Requests built to hurt: JSON nested 10,000 deep, malformed percent-encoding
 * in a path, bodies far over the size limit. Each gets its 4xx in the
 * envelope; none marks the backend down or resets the connection.
 */

/** `{"x":{"x":…{}…}}` as text: JSON.stringify itself gives up long before 10,000 levels. */
const nested = (depth: number) => `${'{"x":'.repeat(depth)}{}${"}".repeat(depth)}`;

/** A POST with a real body through node:http, which reports EPIPE/ECONNRESET if the server resets. */
function upload(url: string, secret: string, size: number, chunked: boolean): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.alloc(size, 0x20);
    payload.write('{"model":"chat","messages":[],"pad":"', 0);
    const req = http.request(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(size) }),
      },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    if (chunked) {
      // Arrives in pieces, as a client streaming a file would send it.
      const piece = 1 << 20;
      let off = 0;
      const next = () => {
        while (off < size) {
          const ok = req.write(payload.subarray(off, Math.min(size, off + piece)));
          off += piece;
          if (!ok) return void req.once("drain", next);
        }
        req.end();
      };
      next();
    } else req.end(payload);
  });
}

describeEachDriver("gateway: hostile input", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let secret: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "hostile" });
    await registerBackend("hostile", fake.url, [{ id: "chat", upstream: "echo", capabilities: ["chat", "tools"] }]);
    server = await startGatewayServer();
    ({ secret } = await createTenant());
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const post = (body: string) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body,
    });

  it("10,000-deep bodies get 400 and the backend stays healthy", async () => {
    const base = { model: "chat", messages: [{ role: "user", content: "hi" }] };
    const head = JSON.stringify(base).slice(0, -1);
    const bodies = [
      `${head},"x":${nested(10_000)}}`,
      `${head},"tools":[{"type":"function","function":{"name":"f","parameters":${nested(10_000)}}}]}`,
    ];
    // Health checks may reach the backend meanwhile; no completion may.
    const completions = () => fake.requests.filter((r) => r.path.startsWith("/chat/completions")).length;
    const before = completions();
    for (let round = 0; round < 4; round++) {
      for (const body of bodies) {
        const res = await post(body);
        expect(res.status).toBe(400);
        expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
      }
    }
    expect(completions()).toBe(before);
    const backend = await findBackendByName({ name: "hostile" });
    expect(server.runtime.gateway.options.router.status(backend!.id)).toMatchObject({ healthy: true, circuit: "closed" });
    const ok = await post(JSON.stringify({ ...base, max_tokens: 3 }));
    expect(ok.status).toBe(200);
    // 64 levels are still fine.
    const edge = await post(`${head},"tools":[{"type":"function","function":{"name":"f","parameters":${nested(58)}}}]}`);
    expect(edge.status).toBe(200);
  });

  it("malformed percent-encoding in a model path: 400 in the envelope", async () => {
    for (const path of ["/v1/models/%ZZ", "/v1/models/%ff%fe", "/v1/models/%E0%A4%A"]) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
      expect(res.status, path).toBe(400);
      expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", code: "invalid_model_id", param: "model" });
    }
    const known = await fetch(`${server.url}/v1/models/%63hat`, { headers: { authorization: `Bearer ${secret}` } });
    expect(known.status).toBe(200);
  });

  it("a 50 MB body with its length declared: the client receives the 413", async () => {
    const res = await upload(server.url, secret, 50 * 1024 * 1024, false);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ type: "invalid_request_error", code: "request_too_large" });
    expect(res.headers.connection).toBe("close");
  });

  it("a 50 MB chunked body: read up to the limit, answered 413, connection closed", async () => {
    const res = await upload(server.url, secret, 50 * 1024 * 1024, true);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("request_too_large");
    expect(res.headers.connection).toBe("close");
    // The server is still fine for the next client.
    const ok = await post(JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 3 }));
    expect(ok.status).toBe(200);
  });
});
