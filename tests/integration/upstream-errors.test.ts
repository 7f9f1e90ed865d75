import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { addBackend } from "@/lib/backends/registry";
import { addModel } from "@/lib/models/manage";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, startGatewayServer } from "@/tests/support/gateway";

/*
 * An engine that fails with a body full of internals (a trace, paths, SQL,
 * its own address, the key the gateway sent it): the client sees only the
 * gateway's own message, the log sees the body with the key redacted.
 */

const UPSTREAM_KEY = "sk-upstream-7f3a9c1e5b2d4f6a8c0e";

describeEachDriver("gateway: upstream error bodies never reach the client", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let secret: string;
  let logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "leaky" });
    await addBackend({ name: "leaky", engine: "openai", url: fake.url, machine: "leaky-machine", apiKey: UPSTREAM_KEY });
    for (const [id, upstream, caps] of [
      ["leak-400", "leak400", ["chat"]],
      ["leak-500", "leak500", ["chat"]],
      ["leak-stream", "leakstream", ["chat"]],
      ["leak-embed", "leak400", ["embeddings"]],
      ["leak-rerank", "leak500", ["rerank"]],
    ] as const) {
      await addModel({ id, backend: "leaky", upstreamId: upstream, capabilities: [...caps] });
    }
    server = await startGatewayServer();
    ({ secret } = await createTenant());
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
    await fake?.close();
  });

  const forbidden = () => [UPSTREAM_KEY, "127.0.0.1", String(fake.port), "gpu-7", "/opt/", "serving_chat", "node_modules", "route.js", "SELECT", "upstream_keys", "Traceback", "psycopg"];

  async function call(path: string, body: Record<string, unknown>) {
    logged = [];
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    for (const leak of forbidden()) expect(text, `client saw ${leak}`).not.toContain(leak);
    // The log has the whole story, but never a secret.
    const log = logged.join("");
    expect(log).not.toContain(UPSTREAM_KEY);
    expect(log).not.toContain(secret);
    return { res, text, log };
  }

  const chat = (model: string, stream = false) => ({ model, stream, messages: [{ role: "user", content: "hi" }] });

  it("a 400 becomes invalid_request_error with a scrubbed first sentence", async () => {
    const { res, text, log } = await call("/v1/chat/completions", chat("leak-400"));
    expect(res.status).toBe(400);
    const { error } = JSON.parse(text);
    expect(error).toEqual({
      message: "The model rejected the request: Input validation error: temperature must be positive.",
      type: "invalid_request_error",
      param: "messages",
      code: "invalid_value",
    });
    expect(log).toContain("serving_chat.py");
    expect(log).toContain("[redacted]");
    expect(log).toMatch(/"requestId":"chatcmpl-[0-9a-f]+"/);
  });

  it("a 500 becomes 502 with the gateway's own message", async () => {
    const { res, text } = await call("/v1/chat/completions", chat("leak-500"));
    expect(res.status).toBe(502);
    expect(JSON.parse(text).error).toMatchObject({ type: "server_error", code: "upstream_error" });
  });

  it("a stream that fails before its first byte: the error status, scrubbed", async () => {
    const { res, text } = await call("/v1/chat/completions", chat("leak-500", true));
    expect(res.status).toBe(502);
    expect(JSON.parse(text).error.code).toBe("upstream_error");
  });

  it("a stream whose first event is an error: one scrubbed error event", async () => {
    const { res, text } = await call("/v1/chat/completions", chat("leak-stream", true));
    expect(res.status).toBe(200);
    const events = text.split("\n\n").filter(Boolean);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.replace(/^data: /, "")).error).toMatchObject({ type: "server_error", code: "upstream_error" });
  });

  it("embeddings and rerank answer the same way", async () => {
    const embed = await call("/v1/embeddings", { model: "leak-embed", input: "x" });
    expect(embed.res.status).toBe(400);
    expect(JSON.parse(embed.text).error.message).toMatch(/^The model rejected the request/);
    const rerank = await call("/v1/rerank", { model: "leak-rerank", query: "q", documents: ["a"] });
    expect(rerank.res.status).toBe(502);
  });
});
