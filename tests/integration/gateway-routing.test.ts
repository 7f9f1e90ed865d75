import OpenAI from "openai";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { authenticateSecret } from "@/lib/keys/cache";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { startFakeOllama } from "@/tests/support/fake-ollama";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";
import { addModel } from "@/lib/models/manage";
import { stopGatewayRuntime } from "@/lib/gateway";

describeEachDriver("gateway: backends, failover, Ollama, revocation", () => {
  let a: FakeBackend;
  let b: FakeBackend;
  let ollama: Awaited<ReturnType<typeof startFakeOllama>>;
  let server: TestServer;
  let client: OpenAI;
  let secret: string;

  beforeAll(async () => {
    a = await startFakeOpenAI({ machine: "replica-a" });
    b = await startFakeOpenAI({ machine: "replica-b" });
    ollama = await startFakeOllama();
    await registerBackend("a", a.url, [{ id: "shared", upstream: "echo" }]);
    await registerBackend("b", b.url, []);
    await addModel({ id: "shared", backend: "b", upstreamId: "echo", capabilities: ["chat", "tools", "vision"] });
    await registerBackend("ollama", ollama.url, [{ id: "llama", upstream: "llama3.2:1b", capabilities: ["chat", "tools", "vision", "embeddings"] }, { id: "ghost", upstream: "missing" }], "ollama");
    server = await startGatewayServer({ router: { failureThreshold: 2, openMs: 60_000 } });
    ({ secret } = await createTenant());
    client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await stopGatewayRuntime();
    await server.close();
    await Promise.all([a.close(), b.close(), ollama.close()]);
  });

  beforeAll(() => server.runtime.gateway.options.catalogue.refresh());

  const ask = async () => {
    const { data, response } = await client.chat.completions.create({ model: "shared", messages: [{ role: "user", content: "hi" }] }).withResponse();
    return { text: data.choices[0]!.message.content!, machine: JSON.parse(response.headers.get("backend")!).machine_name as string };
  };

  it("spreads requests over replicas", async () => {
    const machines = new Set<string>();
    for (let i = 0; i < 20; i++) machines.add((await ask()).machine);
    expect(machines).toEqual(new Set(["a-machine", "b-machine"]));
  });

  it("retries on another replica when one answers 5xx, then opens its circuit", async () => {
    a.failWith = 503;
    try {
      const router = server.runtime.gateway.options.router;
      const aId = server.runtime.gateway.options.catalogue.backendList().find((x) => x.name === "a")!.id;
      // Equal load picks either replica at random: keep asking until replica a was tried twice.
      for (let i = 0; i < 60 && router.status(aId).circuit !== "open"; i++) expect((await ask()).text).toContain("replica-b");
      expect(router.status(aId).circuit).toBe("open");
      const before = a.requests.length;
      for (let i = 0; i < 5; i++) await ask();
      expect(a.requests.length).toBe(before);
    } finally {
      a.failWith = null;
    }
  });

  it("answers 503 when no backend is available", async () => {
    b.failWith = 500;
    try {
      const err = await client.chat.completions.create({ model: "shared", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      // The last replica's own error is mapped; once its circuit opens too, nothing is left: 503.
      expect([502, 503]).toContain(err.status);
      const again = await client.chat.completions.create({ model: "shared", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      const third = await client.chat.completions.create({ model: "shared", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      expect([again.status, third.status]).toContain(503);
      expect(third.error.type).toBe("service_unavailable_error");
    } finally {
      b.failWith = null;
    }
  });

  it("fails over when a replica refuses connections and marks it unhealthy", async () => {
    const c = await startFakeOpenAI({ machine: "replica-c" });
    const d = await startFakeOpenAI({ machine: "replica-d" });
    await registerBackend("c", c.url, [{ id: "pair", upstream: "echo" }]);
    await registerBackend("d", d.url, []);
    await addModel({ id: "pair", backend: "d", upstreamId: "echo", capabilities: ["chat"] });
    // Registration happened in steps: make sure the catalogue has both replicas.
    await server.runtime.gateway.options.catalogue.refresh();
    await c.stop();
    for (let i = 0; i < 6; i++) {
      const r = await client.chat.completions.create({ model: "pair", messages: [{ role: "user", content: "x" }] });
      expect(r.choices[0]!.message.content).toContain("replica-d");
    }
    const { router, catalogue } = server.runtime.gateway.options;
    await router.checkHealth(catalogue.backendList());
    const cId = catalogue.backendList().find((x) => x.name === "c")!.id;
    expect(router.status(cId).healthy).toBe(false);
    expect(router.status(cId).lastError).not.toContain("127.0.0.1");
    await d.close();
  });

  it("speaks Ollama's native API for chat, streams, tools, completions and errors", async () => {
    const r = await client.chat.completions.create({ model: "llama", messages: [{ role: "user", content: "salut" }], max_tokens: 30, temperature: 0.2, stop: "x" });
    expect(r.choices[0]!.message.content).toBe("Bonjour from Ollama");
    expect((r.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe("hmm");
    expect(r.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    expect(ollama.requests.at(-1)!).toMatchObject({ path: "/api/chat", body: { model: "llama3.2:1b", options: { num_predict: 30, temperature: 0.2, stop: ["x"] } } });

    const stream = await client.chat.completions.create({ model: "llama", messages: [{ role: "user", content: "salut" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: unknown;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? "";
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe("Bonjour from Ollama");
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });

    const PNG = "data:image/png;base64,iVBORw0KGgo=";
    const tool = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: [{ type: "text", text: "weather?" }, { type: "image_url", image_url: { url: PNG } }] }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    });
    expect(tool.choices[0]!.finish_reason).toBe("tool_calls");
    expect(JSON.parse(tool.choices[0]!.message.tool_calls![0]!.type === "function" ? (tool.choices[0]!.message.tool_calls![0] as { function: { arguments: string } }).function.arguments : "{}")).toEqual({ city: "Paris" });
    expect((ollama.requests.at(-1)!.body.messages as { images: string[] }[])[0]!.images).toEqual(["iVBORw0KGgo="]);

    const cmpl = await client.completions.create({ model: "llama", prompt: "Once" });
    expect(cmpl.choices[0]!.text).toBe("Bonjour from Ollama");
    expect(ollama.requests.at(-1)!.path).toBe("/api/generate");

    const err = await client.chat.completions.create({ model: "ghost", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.error.code).toBe("upstream_model_missing");
  });

  it("stops honouring a key revoked by another instance within a second", async () => {
    const t = await createTenant();
    expect(await authenticateSecret(t.secret)).not.toBeNull();
    // Another instance revokes it: straight in the database, this process's cache untouched.
    const db = await getDb();
    await db.execute(sql`update api_keys set revoked_at = now() where id = ${t.key.id}`);
    await expect
      .poll(async () => (await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } })).status, { timeout: 1000, interval: 50 })
      .toBe(401);
  });

  it("expired keys are refused", async () => {
    const t = await createTenant();
    const db = await getDb();
    await db.execute(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${t.key.id}`);
    const { clearKeyCache } = await import("@/lib/keys/cache");
    clearKeyCache();
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } });
    expect(res.status).toBe(401);
  });

  it("serves the same pipeline through the Next.js route files", async () => {
    const route = await import("@/app/v1/chat/completions/route");
    const res = await route.POST(
      new Request("http://localhost/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "shared", messages: [{ role: "user", content: "via" }] }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("id")).toMatch(/^chatcmpl-/);
    expect((await res.json()).choices[0].message.content).toContain("says: via");
    const pre = await route.OPTIONS(new Request("http://localhost/v1/chat/completions", { method: "OPTIONS", headers: { origin: "https://app.example" } }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    const models = await import("@/app/v1/models/route");
    expect((await models.GET(new Request("http://localhost/v1/models", { headers: { authorization: `Bearer ${secret}` } }))).status).toBe(200);
    const other = await import("@/app/v1/[...path]/route");
    const unknown = await other.GET(new Request("http://localhost/v1/nope", { headers: { authorization: `Bearer ${secret}` } }));
    expect(unknown.status).toBe(404);
  });
});
