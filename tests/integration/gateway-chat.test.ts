import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { authenticateSecret } from "@/lib/keys/cache";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describeEachDriver("gateway: chat, completions, models", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let client: OpenAI;
  let secret: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "ma01" });
    await registerBackend("vllm-1", fake.url, [
      { id: "granite3.3:8b", upstream: "echo", aliases: ["granite"], maxModelLen: 4096 },
      { id: "tool-model", upstream: "tools" },
      { id: "reasoner", upstream: "reasoner" },
      { id: "text-only", upstream: "echo", capabilities: ["chat"] },
      { id: "embedder", upstream: "echo", capabilities: ["embeddings"] },
      { id: "broken", upstream: "fail500" },
      { id: "strict", upstream: "reject400" },
      { id: "dies", upstream: "die" },
      { id: "slow", upstream: "slow" },
      { id: "silent", upstream: "nousage" },
    ]);
    server = await startGatewayServer();
    let account: { id: string };
    ({ secret, account } = await createTenant());
    accountId = account.id;
    client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const usageRow = async (requestId: string) => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    const [row] = await findUsageByRequestIdForPlatform({ requestId });
    return row;
  };

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers a chat completion with the reference's extras", async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model: "granite3.3:8b", messages: [{ role: "user", content: "Bonjour" }], max_tokens: 50 })
      .withResponse();
    // The SDK's own request id is ours, on answers and on errors alike.
    expect(request_id).toBe(data.id);
    const failed = await client.chat.completions.create({ model: "granite", messages: [{ role: "user", content: "x" }], temperature: 9 }).catch((e) => e);
    expect(failed.status).toBe(400);
    expect(failed.requestID).toMatch(/^chatcmpl-/);
    expect(data.choices[0]!.message.content).toContain("ma01 says: Bonjour");
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.model).toBe("granite3.3:8b");
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(response.headers.get("id")).toBe(data.id);
    // An answer is data with its length, never a document to guess the type of; so is an error.
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Number(response.headers.get("content-length"))).toBe(Buffer.byteLength(JSON.stringify(data)));
    expect(failed.headers.get("x-content-type-options")).toBe("nosniff");
    const backend = (data as unknown as { backend: unknown }).backend;
    expect(backend).toEqual({ engine_type: "openai", machine_name: "vllm-1-machine" });
    expect(JSON.parse(response.headers.get("backend")!)).toEqual(backend);
    expect(data.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 5, reasoning_tokens: 0 });
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + 5);

    const sent = fake.requests.at(-1)!;
    expect(sent.body.model).toBe("echo");
    expect(sent.body).toMatchObject({ temperature: 0.7, top_p: 1, presence_penalty: 0, frequency_penalty: 0, max_tokens: 50 });
    expect(sent.headers.authorization).toBeUndefined();

    const row = await usageRow(data.id);
    expect(row).toMatchObject({ status: 200, modelId: "granite3.3:8b", completionTokens: 5, streamed: false, endpoint: "chat.completions" });
  });

  it("resolves aliases and applies the default max_tokens", async () => {
    const r = await client.chat.completions.create({ model: "granite", messages: [{ role: "user", content: "hi" }] });
    expect(r.model).toBe("granite");
    expect(fake.requests.at(-1)!.body.max_tokens).toBe(1024);
  });

  it("streams chunks, strips the usage it asked for, and ends with [DONE]", async () => {
    const res = await post("/v1/chat/completions", { model: "granite3.3:8b", messages: [{ role: "user", content: "stream me" }], stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const text = await res.text();
    const events = text.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(text).not.toContain('"usage"');
    expect(fake.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    const id = res.headers.get("id")!;
    expect(text).toContain(`"id":"${id}"`);
    expect(text).not.toContain("upstream-");
    const row = await usageRow(id);
    expect(row).toMatchObject({ status: 200, streamed: true, completionTokens: 5, estimated: false, clientAborted: false });
    expect(row!.ttftMs).not.toBeNull();
  });

  it("streams through the SDK with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "reasoner",
      messages: [{ role: "user", content: "think" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let reasoning = "";
    let usage: Record<string, number> | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      content += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
      if (chunk.usage) usage = chunk.usage as unknown as Record<string, number>;
    }
    expect(content).toContain("ma01 says: think");
    expect(reasoning).toBe("Let me think.");
    expect(usage).toMatchObject({ completion_tokens: 9, reasoning_tokens: 4 });
  });

  it("passes reasoning through in non-streamed answers", async () => {
    const r = await client.chat.completions.create({ model: "reasoner", messages: [{ role: "user", content: "x" }] });
    expect((r.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe("Let me think.");
    expect((r.usage as unknown as { reasoning_tokens: number }).reasoning_tokens).toBe(4);
  });

  it("returns tool calls intact, streamed or not, and accepts tool results", async () => {
    const tools = [
      { type: "function" as const, function: { name: "get_current_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } },
    ];
    const r = await client.chat.completions.create({ model: "tool-model", messages: [{ role: "user", content: "Weather in Paris?" }], tools, tool_choice: "auto" });
    expect(r.choices[0]!.finish_reason).toBe("tool_calls");
    const call = r.choices[0]!.message.tool_calls![0]! as { id: string; function: { name: string; arguments: string } };
    expect(call.function.name).toBe("get_current_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "Paris, France", unit: "celsius" });

    const stream = await client.chat.completions.create({ model: "tool-model", messages: [{ role: "user", content: "Weather?" }], tools, stream: true });
    let args = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) args += tc.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ location: "Paris, France", unit: "celsius" });
    expect(finish).toBe("tool_calls");

    const followUp = await client.chat.completions.create({
      model: "tool-model",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: call.function }] },
        { role: "tool", tool_call_id: call.id, content: '{"temperature":"22"}' },
      ],
    });
    expect(followUp.choices[0]!.message.content).toContain('{"temperature":"22"}');
    expect(fake.requests.at(-1)!.body.messages).toHaveLength(3);
  });

  it("refuses tools for a model without the tools capability", async () => {
    const res = await post("/v1/chat/completions", {
      model: "text-only",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("tools capability");
  });

  it("accepts images as data URIs and normalises the simplified image part", async () => {
    await client.chat.completions.create({
      model: "granite3.3:8b",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: PNG } },
            { type: "image", image: PNG } as never,
          ],
        },
      ],
    });
    const parts = ((fake.requests.at(-1)!.body.messages as { content: unknown[] }[])[0]!).content;
    expect(parts).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: PNG } },
      { type: "image_url", image_url: { url: PNG } },
    ]);
  });

  it("refuses remote image URLs, non-image data and images for models without vision", async () => {
    const cases: [string, unknown, string][] = [
      ["granite3.3:8b", { type: "image_url", image_url: { url: "http://169.254.169.254/latest/meta-data" } }, "image_url_not_allowed"],
      ["granite3.3:8b", { type: "image_url", image_url: { url: "data:text/plain;base64,aGVsbG8=" } }, "invalid_image"],
      ["granite3.3:8b", { type: "image", image: "file:///etc/passwd" }, "invalid_image"],
      ["text-only", { type: "image_url", image_url: { url: PNG } }, "model_not_vision_capable"],
    ];
    const before = fake.requests.length;
    for (const [model, part, code] of cases) {
      const res = await post("/v1/chat/completions", { model, messages: [{ role: "user", content: [{ type: "text", text: "x" }, part] }] });
      expect(res.status, code).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe(code);
      expect(body.error.type).toBe("invalid_request_error");
    }
    expect(fake.requests.length).toBe(before);
  });

  it("validates parameters with the reference's ranges", async () => {
    const base = { model: "granite3.3:8b", messages: [{ role: "user", content: "x" }] };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, temperature: 3 }, "temperature", "Invalid parameter 'temperature': must be between 0 and 2"],
      [{ ...base, temperature: -0.1 }, "temperature", "must be between 0 and 2"],
      [{ ...base, top_p: 1.5 }, "top_p", "must be between 0 and 1"],
      [{ ...base, presence_penalty: -3 }, "presence_penalty", "must be between -2 and 2"],
      [{ ...base, frequency_penalty: 2.5 }, "frequency_penalty", "must be between -2 and 2"],
      [{ ...base, max_tokens: 0 }, "max_tokens", "must be a positive integer"],
      [{ ...base, max_tokens: 1.5 }, "max_tokens", "must be an integer"],
      [{ ...base, max_tokens: 5000 }, "max_tokens", "at most 4096"],
      [{ ...base, temperature: "hot" }, "temperature", "must be a number"],
      [{ ...base, stream: "yes" }, "stream", "must be a boolean"],
      [{ ...base, tool_choice: "sometimes" }, "tool_choice", "must be 'none', 'auto', 'required'"],
      [{ messages: base.messages }, "model", "Missing required parameter: 'model'"],
      [{ model: "granite3.3:8b" }, "messages", "Missing required parameter: 'messages'"],
      [{ ...base, messages: [] }, "messages", "at least one message"],
      [{ ...base, messages: [{ role: "robot", content: "x" }] }, "messages[0].role", "must be one of"],
      [{ ...base, messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id", "Missing required parameter"],
    ];
    for (const [body, param, message] of cases) {
      const res = await post("/v1/chat/completions", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.error.param, JSON.stringify(body)).toBe(param);
      expect(json.error.message).toContain(message);
      expect(json.error.type).toBe("invalid_request_error");
      expect(res.headers.get("id")).toMatch(/^chatcmpl-/);
    }
  });

  it("accepts the parameters OpenAI clients send and passes unknown fields through", async () => {
    await client.chat.completions.create({
      model: "granite3.3:8b",
      messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "hi" }],
      temperature: 0,
      top_p: 0.5,
      presence_penalty: 1,
      frequency_penalty: -1,
      stop: ["\n"],
      seed: 42,
      n: 1,
      user: "u-1",
      response_format: { type: "json_object" },
      // @ts-expect-error an engine-specific field the SDK does not know
      repetition_penalty: 1.1,
    });
    expect(fake.requests.at(-1)!.body).toMatchObject({ temperature: 0, top_p: 0.5, seed: 42, stop: ["\n"], user: "u-1", repetition_penalty: 1.1 });
  });

  it("rejects malformed JSON, wrong content types and oversize bodies in the envelope", async () => {
    let res = await post("/v1/chat/completions", "{not json");
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_json");
    res = await post("/v1/chat/completions", "model=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("application/json");
    res = await post("/v1/chat/completions", "[1,2]");
    expect(res.status).toBe(400);
    const big = JSON.stringify({ model: "granite3.3:8b", messages: [{ role: "user", content: "x".repeat(21 * 1024 * 1024) }] });
    res = await post("/v1/chat/completions", big);
    expect(res.status).toBe(413);
    expect((await res.json()).error.type).toBe("invalid_request_error");
  });

  it("names unknown models and unknown endpoints", async () => {
    const err = await client.chat.completions.create({ model: "unknown-model", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toMatchObject({ message: "Model 'unknown-model' does not exist", code: "model_not_found", param: "model", type: "invalid_request_error" });
    const res = await post("/v1/nothing-here", {});
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("unknown_url");
  });

  it("refuses a model that lacks the endpoint's capability", async () => {
    const res = await post("/v1/chat/completions", { model: "embedder", messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe("Model 'embedder' does not support chat completions (it lacks the chat capability)");
  });

  it("authenticates keys: missing, unknown, revoked, expired → 401; other models → 403", async () => {
    for (const auth of [undefined, "Bearer sk-llmaas-nope", "Basic abc", "Bearer "]) {
      const res = await fetch(`${server.url}/v1/models`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { message: "Invalid API key provided", type: "authentication_error", param: null, code: "invalid_api_key" } });
    }
    const bad = new OpenAI({ apiKey: "sk-llmaas-wrong", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const restricted = await createTenant({ models: ["granite"] });
    const rc = new OpenAI({ apiKey: restricted.secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const list = await rc.models.list();
    expect(list.data.map((m) => m.id)).toEqual(["granite3.3:8b"]);
    await rc.chat.completions.create({ model: "granite3.3:8b", messages: [{ role: "user", content: "x" }] });
    const denied = await rc.chat.completions.create({ model: "reasoner", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.error.type).toBe("permission_error");
  });

  it("lists models in the reference's shape, with capabilities and prices", async () => {
    const list = await client.models.list();
    const granite = list.data.find((m) => m.id === "granite3.3:8b") as unknown as Record<string, unknown>;
    expect(granite).toMatchObject({
      object: "model",
      owned_by: "llmaas",
      root: "granite3.3:8b",
      aliases: ["granite3.3:8b", "granite"],
      parent: null,
      max_model_len: 4096,
      capabilities: ["chat", "tools", "vision"],
      pricing: { input_per_million_tokens: 1.8, output_per_million_tokens: 8, audio_per_started_minute: 0.01 },
    });
    expect((granite.permission as unknown[])[0]).toMatchObject({ object: "model_permission", allow_sampling: true, allow_view: true });
    const one = await client.models.retrieve("granite");
    expect(one.id).toBe("granite3.3:8b");
    await expect(client.models.retrieve("nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("answers /v1/completions in both forms", async () => {
    const classic = await client.completions.create({ model: "granite3.3:8b", prompt: "Once upon", max_tokens: 3 });
    expect(classic.object).toBe("text_completion");
    expect(classic.choices[0]!.text).toContain("ma01");
    expect(classic.id).toMatch(/^cmpl-/);
    expect(fake.requests.at(-1)!.path).toBe("/completions");

    const res = await post("/v1/completions", { model: "granite3.3:8b", messages: [{ role: "user", content: "Complete: AI is" }], max_tokens: 20, fake: { tokens: 11 } });
    const body = await res.json();
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0].message.content).toContain("Complete: AI is");
    expect(fake.requests.at(-1)!.path).toBe("/chat/completions");

    const stream = await client.completions.create({ model: "granite3.3:8b", prompt: "abc", stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.text ?? "";
    expect(text).toContain("abc");

    const missing = await post("/v1/completions", { model: "granite3.3:8b" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.param).toBe("prompt");
  });

  it("maps upstream errors to the envelope without leaking internals", async () => {
    const strict = await post("/v1/chat/completions", { model: "strict", messages: [{ role: "user", content: "x" }] });
    expect(strict.status).toBe(400);
    expect((await strict.json()).error.message).toContain("maximum context length");

    fake.failWith = 500;
    try {
      const res = await post("/v1/chat/completions", { model: "granite3.3:8b", messages: [{ role: "user", content: "x" }] });
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(text).not.toContain("internal-host");
      expect(text).not.toContain("127.0.0.1");
      expect(JSON.parse(text).error.type).toBe("server_error");
    } finally {
      fake.failWith = null;
    }
  });

  it("ends a stream whose backend dies with an error event", async () => {
    const stream = await client.chat.completions.create({ model: "dies", messages: [{ role: "user", content: "a b c d e f" }], stream: true, fake: { tokens: 10, delayMs: 5 } } as never);
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) got.push(c.choices[0]?.delta?.content ?? "");
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String(err.message)).toContain("stopped responding");
    expect(got.join("")).toContain("ma01");
  });

  it("aborts the backend when the client disconnects and records what was generated", async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "slow", messages: [{ role: "user", content: "tell me a long story" }], stream: true, fake: { tokens: 200 } }),
      signal: controller.signal,
    });
    const id = res.headers.get("id")!;
    const reader = res.body!.getReader();
    let received = "";
    while ((received.match(/"content"/g) ?? []).length < 4) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const upstream = fake.requests.at(-1)!;
    await expect.poll(() => upstream.aborted, { timeout: 3000 }).toBe(true);
    await expect.poll(async () => (await usageRow(id))?.clientAborted, { timeout: 3000 }).toBe(true);
    const row = (await usageRow(id))!;
    expect(row.completionTokens).toBeGreaterThanOrEqual(3);
    expect(row.completionTokens).toBeLessThan(200);
    expect(row.estimated).toBe(true);
    expect(row.streamed).toBe(true);
  });

  it("aborts the backend when the client of a non-streamed answer disconnects, and bills nothing", async () => {
    const controller = new AbortController();
    const before = fake.requests.length;
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      // The fake engine waits 100 ms per word of its answer before sending it.
      body: JSON.stringify({ model: "granite3.3:8b", messages: [{ role: "user", content: "a slow answer please" }], fake: { delayMs: 100 } }),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await expect.poll(() => fake.requests.length, { timeout: 3000 }).toBe(before + 1);
    const upstream = fake.requests.at(-1)!;
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => upstream.aborted, { timeout: 3000 }).toBe(true);
    // Its usage: the client's going away, billed nothing (the backend was stopped before it answered).
    const latest = async () => {
      await server.runtime.gateway.idle();
      await server.runtime.gateway.options.recorder.flush();
      const r = (await (await getDb()).execute(sql`select status, error_code, client_aborted, cost_nanos::text as cost from usage_events
        where account_id = ${accountId} order by created_at desc limit 1`)) as unknown as { rows: Record<string, unknown>[] };
      return r.rows[0];
    };
    await expect.poll(latest, { timeout: 3000 }).toMatchObject({ status: 499, error_code: "client_closed_request", client_aborted: true, cost: "0" });
  });

  it("estimates usage when the backend reports none and marks it", async () => {
    const r = await client.chat.completions.create({ model: "silent", messages: [{ role: "user", content: "hello there" }] });
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    const row = await usageRow(r.id);
    expect(row!.estimated).toBe(true);
  });

  it("lets browser pages on other origins call the API, and read its id, backend and rate-limit headers", async () => {
    const origin = "https://app.example.com";
    const pre = await fetch(`${server.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-os" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization, content-type, x-stainless-os");
    expect(pre.headers.get("access-control-max-age")).toBe("86400");

    const res = await post("/v1/chat/completions", { model: "granite", messages: [{ role: "user", content: "cors" }] }, { origin });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = res.headers.get("access-control-expose-headers")!.split(", ");
    expect(exposed).toEqual(expect.arrayContaining(["id", "backend", "retry-after", "x-ratelimit-remaining-requests", "x-ratelimit-reset-tokens"]));
    // Errors too, so a page can read what went wrong.
    const denied = await fetch(`${server.url}/v1/models`, { headers: { origin, authorization: "Bearer nope" } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("*");
    // Preflights are not requests: nothing is recorded for them.
    expect(pre.headers.get("id")).toBeNull();

    // The console's own calls are same-origin and carry none of it.
    const key = (await authenticateSecret(secret))!;
    const own = await server.runtime.gateway.handle(new Request(`${server.url}/v1/models`, { headers: { origin } }), { key });
    expect(own.status).toBe(200);
    expect(own.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("writes a usage row for failed requests too", async () => {
    const res = await post("/v1/chat/completions", { model: "granite3.3:8b", messages: [{ role: "user", content: "x" }], temperature: 9 });
    const row = await usageRow(res.headers.get("id")!);
    expect(row).toMatchObject({ status: 400, errorCode: "invalid_parameter" });
  });
});
