import fs from "node:fs/promises";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { addBackend } from "@/lib/backends/registry";
import { addModel, listModels } from "@/lib/models/manage";
import { closeEngine, getEngine } from "@/lib/engine/manager";
import { registerEmbeddedModels } from "@/lib/engine/register";
import { watchModelsFolder } from "@/lib/engine/watch";
import { resetEnv } from "@/lib/env";
import { describeEachDriver } from "@/tests/support/databases";
import { type TestServer, createTenant, startGatewayServer } from "@/tests/support/gateway";
import { TINY_CONTEXT, TINY_GGUF, tinyModelsDir } from "@/tests/support/models";

/*
 * The embedded engine end to end: GGUF files registered at start, then the
 * openai SDK against the gateway, on the tiny real model (gibberish output,
 * real tokens). The gateway uses its default router, so this is the wiring
 * production has.
 */

let models: Awaited<ReturnType<typeof tinyModelsDir>>;
const saved = process.env.LLMAAS_MODELS_DIR;

beforeAll(async () => {
  models = await tinyModelsDir(["stories260k", "taken"]);
  process.env.LLMAAS_MODELS_DIR = models.dir;
  resetEnv();
});

afterAll(async () => {
  await closeEngine();
  await models.remove();
  if (saved === undefined) delete process.env.LLMAAS_MODELS_DIR;
  else process.env.LLMAAS_MODELS_DIR = saved;
  resetEnv();
});

const MODEL = "stories260k";
const ask = [{ role: "user" as const, content: "Tell me a story about a cat." }];

describeEachDriver("embedded engine through the gateway", () => {
  let server: TestServer;
  let client: OpenAI;
  let secret: string;

  beforeAll(async () => {
    // A model an admin already made under a file's name is left alone.
    await addBackend({ name: "other", engine: "openai", url: "http://127.0.0.1:9", machine: "elsewhere" });
    await addModel({ id: "taken", backend: "other", maxModelLen: 100 });
    server = await startGatewayServer();
    ({ secret } = await createTenant());
    client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  const usageRow = async (requestId: string) => {
    await server.runtime.gateway.options.recorder.flush();
    const [row] = await findUsageByRequestIdForPlatform({ requestId });
    return row;
  };

  it("registers the backend and every GGUF file as a model, once", async () => {
    expect(await registerEmbeddedModels()).toEqual({ added: [MODEL, "espeak-ng"], removed: [] });
    expect(await registerEmbeddedModels()).toEqual({ added: [], removed: [] });
    const all = await listModels();
    const tiny = all.find((m) => m.id === MODEL)!;
    expect(tiny).toMatchObject({ capabilities: ["chat"], maxModelLen: TINY_CONTEXT });
    expect(tiny.backends).toEqual([expect.objectContaining({ name: "embedded", engine: "embedded", upstreamId: MODEL })]);
    const taken = all.find((m) => m.id === "taken")!;
    expect(taken.maxModelLen).toBe(100);
    expect(taken.backends.map((b) => b.name)).toEqual(["other"]);
  });

  it("answers a chat completion with real usage", async () => {
    const { data, response } = await client.chat.completions.create({ model: MODEL, messages: ask, max_tokens: 30 }).withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe(MODEL);
    expect(typeof data.choices[0]!.message.content).toBe("string");
    expect(data.choices[0]!.message.role).toBe("assistant");
    expect(["stop", "length"]).toContain(data.choices[0]!.finish_reason);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(30);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(JSON.parse(response.headers.get("backend")!)).toMatchObject({ engine_type: "embedded" });
    const row = await usageRow(data.id);
    expect(row).toMatchObject({
      status: 200,
      modelId: MODEL,
      promptTokens: data.usage!.prompt_tokens,
      completionTokens: data.usage!.completion_tokens,
      estimated: false,
    });
  });

  it("streams chunks, usage and [DONE]", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: ask, stream: true, max_tokens: 20, temperature: 0, stream_options: { include_usage: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = (await res.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
    const content = chunks.filter((c) => c.choices[0]?.delta?.content);
    expect(content.length).toBeGreaterThan(3);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("length");
    const usage = chunks.at(-1).usage;
    expect(usage).toMatchObject({ completion_tokens: 20, total_tokens: usage.prompt_tokens + 20 });
    // The gateway records a stream's usage just after its last event.
    const id = res.headers.get("id")!;
    await expect.poll(() => usageRow(id), { timeout: 3000 }).toBeDefined();
    expect(await usageRow(id)).toMatchObject({ status: 200, streamed: true, completionTokens: 20, promptTokens: usage.prompt_tokens, estimated: false });
  });

  it("streams through the SDK", async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages: ask, stream: true, max_tokens: 15, temperature: 0 });
    let text = "";
    let pieces = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe("length");
  });

  it("says length when max_tokens cuts the answer", async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: ask, max_tokens: 7, temperature: 0 });
    expect(r.choices[0]!.finish_reason).toBe("length");
    expect(r.usage!.completion_tokens).toBe(7);
  });

  it("stops at a stop sequence and leaves it out", async () => {
    const base = { model: MODEL, messages: ask, max_tokens: 40, temperature: 0 };
    const free = (await client.chat.completions.create(base)).choices[0]!.message.content!;
    // The same greedy answer, cut where a piece of its own middle appears.
    const at = Math.max(1, Math.floor(free.length / 2));
    const stop = free.slice(at, at + 3);
    const r = await client.chat.completions.create({ ...base, stop: [stop, "never-there"] });
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.choices[0]!.message.content).toBe(free.slice(0, free.indexOf(stop)));
    expect(r.usage!.completion_tokens).toBeLessThan(40);
  });

  it("stops generating when the client goes away mid-stream, and frees the model", async () => {
    const engine = getEngine();
    const before = engine.stats().generatedTokens;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: ask, stream: true, max_tokens: 480, temperature: 1, seed: 7 },
      { signal: controller.signal },
    );
    let id = "";
    let pieces = 0;
    await (async () => {
      for await (const chunk of stream) {
        id = chunk.id;
        if (chunk.choices[0]?.delta.content && ++pieces === 3) controller.abort();
      }
    })().catch(() => {});
    const abortedAt = Date.now();
    await expect.poll(() => engine.stats().active, { timeout: 2000, interval: 5 }).toBe(0);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    // Far fewer tokens than asked for were computed: generation stopped, it did not run on unread.
    const generated = engine.stats().generatedTokens - before;
    expect(generated).toBeGreaterThan(0);
    expect(generated).toBeLessThan(480);
    await expect.poll(async () => (await usageRow(id))?.clientAborted, { timeout: 3000 }).toBe(true);
    expect(await usageRow(id)).toMatchObject({ status: 499, streamed: true, clientAborted: true });
    // The engine takes the next request at once.
    const next = await client.chat.completions.create({ model: MODEL, messages: ask, max_tokens: 3 });
    expect(next.usage!.completion_tokens).toBe(3);
  });

  it("answers /v1/completions in the prompt form, streamed or not", async () => {
    const r = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 12, temperature: 0 });
    expect(r.object).toBe("text_completion");
    expect(r.choices[0]!.finish_reason).toBe("length");
    expect(typeof r.choices[0]!.text).toBe("string");
    expect(r.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });

    const stream = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 8, stream: true, temperature: 0 });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("length");
    const same = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 8, temperature: 0 });
    expect(text).toBe(same.choices[0]!.text);
  });

  it("serves more requests than it has slots by queueing them", async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.chat.completions.create({ model: MODEL, messages: ask, max_tokens: 10 })),
    );
    // Each answered in full: up to its 10 tokens (a sampled end of text may come a token or two sooner).
    for (const a of answers) {
      expect(a.usage!.completion_tokens).toBeGreaterThan(0);
      expect(a.usage!.completion_tokens).toBeLessThanOrEqual(10);
      if (a.usage!.completion_tokens < 10) expect(a.choices[0]!.finish_reason).toBe("stop");
    }
    expect(getEngine().stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it("refuses a prompt longer than the context with OpenAI's code", async () => {
    const res = await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, prompt: "Once upon a time ".repeat(200), max_tokens: 5 }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("context_length_exceeded");
  });

  it("reports the embedded backend healthy while its models folder is readable", async () => {
    const { catalogue, router } = server.runtime.gateway.options;
    await catalogue.refresh();
    const backend = catalogue.backendList().find((b) => b.name === "embedded")!;
    await router.checkHealth([backend]);
    expect(router.status(backend.id).healthy).toBe(true);
  });

  it("offers a GGUF copied into the watched folder within seconds, and withdraws it when removed", async () => {
    const { catalogue } = server.runtime.gateway.options;
    const stop = watchModelsFolder({ dir: models.dir, onChange: () => catalogue.refresh(), settleMs: 100 });
    try {
      const ids = async () => (await client.models.list()).data.map((m) => m.id);
      await fs.copyFile(TINY_GGUF, path.join(models.dir, "dropped-in.gguf"));
      await expect.poll(ids, { timeout: 10_000 }).toContain("dropped-in");
      const answer = await client.chat.completions.create({ model: "dropped-in", messages: ask, max_tokens: 5 });
      expect(answer.usage!.completion_tokens).toBeGreaterThan(0);
      await fs.rm(path.join(models.dir, "dropped-in.gguf"));
      await expect.poll(ids, { timeout: 10_000 }).not.toContain("dropped-in");
      // The model an admin made elsewhere and the built-in voice are not the folder's to withdraw.
      expect(await ids()).toEqual(expect.arrayContaining(["taken", "espeak-ng", MODEL]));
    } finally {
      stop();
    }
  });

  it("speaks with the built-in voice, billed per character", async () => {
    const input = "The platform speaks as soon as it starts.";
    const response = await client.audio.speech.create({ model: "espeak-ng", input, voice: "alloy", response_format: "wav" });
    const wav = new Uint8Array(await response.arrayBuffer());
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe("RIFF");
    const row = await usageRow(response.headers.get("x-request-id")!);
    expect(row).toMatchObject({ status: 200, modelId: "espeak-ng" });
    expect(row!.units).toMatchObject({ characters: input.length });
  });
});
