import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_CONTEXT, tinyModelsDir } from "@/tests/support/models";
import { createEmbeddedAdapter } from "./adapter";
import { generate } from "./generate";
import { EngineError, EngineManager } from "./manager";

/* The engine on the tiny real GGUF: loading, slots, queueing, generation limits. */

const never = new AbortController().signal;
const tick = () => new Promise((r) => setTimeout(r, 20));
const sampling = { maxTokens: 20, temperature: 0, stop: [] as string[] };
const backend = { id: "b", name: "embedded", engine: "embedded" as const, baseUrl: "embedded://local", apiKey: null, machineName: "m", enabled: true, timeoutMs: 60_000 };

describe("EngineManager", () => {
  let models: Awaited<ReturnType<typeof tinyModelsDir>>;
  let engine: EngineManager;

  beforeAll(async () => {
    models = await tinyModelsDir(["tiny-a", "tiny-b"]);
    engine = new EngineManager({ modelsDir: models.dir, threads: 1, parallel: 1 });
  });

  afterAll(async () => {
    await engine.close();
    await models.remove();
  });

  it("loads a model on first use, with the model's own context length", async () => {
    expect(engine.stats().model).toBeNull();
    const lease = await engine.acquire("tiny-a", never);
    expect(engine.stats()).toMatchObject({ model: "tiny-a", active: 1, queued: 0 });
    expect(lease.model.contextSize).toBe(TINY_CONTEXT);
    lease.release();
    lease.release();
    expect(engine.stats().active).toBe(0);
  });

  it("answers 404 for a model without a file, and never leaves the folder", async () => {
    for (const id of ["nope", "../tiny-a", "sub/tiny-a", ".hidden"]) {
      const err = await engine.acquire(id, never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).status).toBe(404);
    }
  });

  it("queues requests beyond its slots, in order, and drops a queued request whose caller left", async () => {
    const first = await engine.acquire("tiny-a", never);
    const leaving = new AbortController();
    const abandoned = engine.acquire("tiny-a", leaving.signal);
    const order: string[] = [];
    const second = engine.acquire("tiny-a", never).then((l) => (order.push("second"), l));
    try {
      await tick();
      expect(engine.stats()).toMatchObject({ active: 1, queued: 2 });
      leaving.abort(new Error("client left"));
      await expect(abandoned).rejects.toThrow("client left");
      expect(engine.stats().queued).toBe(1);
      await tick();
      expect(order).toEqual([]);
    } finally {
      first.release();
    }
    (await second).release();
    expect(order).toEqual(["second"]);
    expect(engine.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it("swaps models only once the loaded one is idle", async () => {
    const a = await engine.acquire("tiny-a", never);
    const b = engine.acquire("tiny-b", never);
    try {
      await tick();
      expect(engine.stats()).toMatchObject({ model: "tiny-a", queued: 1 });
    } finally {
      a.release();
    }
    const lease = await b;
    expect(engine.stats().model).toBe("tiny-b");
    lease.release();
  });

  it("generates up to max_tokens and says so", async () => {
    const lease = await engine.acquire("tiny-a", never);
    try {
      const prompt = lease.model.textPrompt("Once upon a time");
      expect(prompt.count).toBe(5); // four tokens and the beginning-of-sequence token
      const chunks: string[] = [];
      const g = await generate(lease, prompt, sampling, never, (t) => chunks.push(t));
      expect(g).toMatchObject({ finishReason: "length", completionTokens: 20, aborted: false });
      expect(chunks.join("")).toBe(g.text);
      expect(chunks.length).toBeGreaterThan(3);
      // The same seed and temperature give the same answer.
      const again = await generate(lease, prompt, sampling, never);
      expect(again.text).toBe(g.text);
    } finally {
      lease.release();
    }
  });

  it("ends the answer at the end of the context", async () => {
    const lease = await engine.acquire("tiny-a", never);
    try {
      const prompt = lease.model.textPrompt("Once upon a time");
      const g = await generate(lease, prompt, { ...sampling, maxTokens: 10_000 }, never);
      expect(g).toMatchObject({ finishReason: "length", completionTokens: TINY_CONTEXT - prompt.count });
      const long = lease.model.textPrompt("Once upon a time ".repeat(200));
      await expect(generate(lease, long, sampling, never)).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" });
    } finally {
      lease.release();
    }
  });

  it("stops at a stop sequence, without it in the answer", async () => {
    const lease = await engine.acquire("tiny-a", never);
    try {
      const prompt = lease.model.textPrompt("Once upon a time");
      const free = await generate(lease, prompt, { ...sampling, maxTokens: 40 }, never);
      // A stop sequence taken from the middle of the free answer must cut it there.
      const cut = free.text.slice(0, 12).trimEnd();
      const stop = free.text.slice(cut.length, cut.length + 3);
      const g = await generate(lease, prompt, { ...sampling, maxTokens: 40, stop: [stop] }, never);
      expect(g.finishReason).toBe("stop");
      expect(g.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
      expect(g.completionTokens).toBeLessThan(40);
    } finally {
      lease.release();
    }
  });

  it("stops computing as soon as its signal fires", async () => {
    const lease = await engine.acquire("tiny-a", never);
    const stop = new AbortController();
    let chunks = 0;
    try {
      const g = await generate(lease, lease.model.textPrompt("Once"), { ...sampling, maxTokens: 500 }, stop.signal, () => {
        if (++chunks === 5) stop.abort();
      });
      expect(g.aborted).toBe(true);
      expect(g.completionTokens).toBeLessThan(20);
    } finally {
      lease.release();
    }
  });
});

describe("embedded adapter on its own engine", () => {
  let models: Awaited<ReturnType<typeof tinyModelsDir>>;
  let engine: EngineManager;
  const adapter = () => createEmbeddedAdapter(() => engine);

  beforeAll(async () => {
    models = await tinyModelsDir(["tiny"]);
    engine = new EngineManager({ modelsDir: models.dir, threads: 1, parallel: 2 });
  });

  afterAll(async () => {
    await engine.close();
    await models.remove();
  });

  const call = (path: string, body: Record<string, unknown>, stream = false) =>
    adapter().call(backend, { path, body, stream, signal: never });

  it("embeds text with real token counts, as floats or base64", async () => {
    const res = await call("/embeddings", { model: "tiny", input: ["Once upon a time", "a cat"] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data).toHaveLength(2);
    expect(body.data[0].embedding).toHaveLength(64);
    expect(body.usage.prompt_tokens).toBeGreaterThan(4);
    const b64 = await (await call("/embeddings", { model: "tiny", input: "a cat", encoding_format: "base64" })).json();
    const bytes = Buffer.from(b64.data[0].embedding, "base64");
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect([...floats].map((f) => f.toFixed(4))).toEqual(body.data[1].embedding.map((f: number) => Math.fround(f).toFixed(4)));
  });

  it("answers OpenAI errors for what it cannot do", async () => {
    const bad = await call("/embeddings", { model: "tiny", input: [1, 2] });
    expect(bad.status).toBe(400);
    const missing = await call("/chat/completions", { model: "gone", messages: [{ role: "user", content: "x" }] });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("model_not_found");
    const other = await call("/audio/speech", { model: "tiny" });
    expect(other.status).toBe(400);
    const long = await call("/completions", { model: "tiny", prompt: "Once upon a time ".repeat(200) });
    expect(long.status).toBe(400);
    expect((await long.json()).error.code).toBe("context_length_exceeded");
    expect(engine.stats().active).toBe(0);
  });

  it("answers n choices per prompt, numbered as OpenAI numbers them", async () => {
    const res = await call("/completions", { model: "tiny", prompt: ["Once", "A cat"], n: 2, max_tokens: 5, temperature: 1, echo: true });
    const body = await res.json();
    expect(body.choices.map((c: { index: number }) => c.index)).toEqual([0, 1, 2, 3]);
    expect(body.choices[2].text.startsWith("A cat")).toBe(true);
    expect(body.usage.completion_tokens).toBe(20);
  });

  it("follows response_format: any JSON, or a JSON schema", async () => {
    const ask = { model: "tiny", messages: [{ role: "user", content: "JSON please" }], temperature: 0.5, seed: 3 };
    const obj = await (await call("/chat/completions", { ...ask, max_tokens: 200, response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false } } } })).json();
    expect(JSON.parse(obj.choices[0].message.content)).toEqual({ ok: expect.any(Boolean) });
    const any = await (await call("/chat/completions", { ...ask, max_tokens: 30, response_format: { type: "json_object" } })).json();
    expect(any.choices[0].message.content.trimStart().startsWith("{")).toBe(true);
    const bad = await call("/chat/completions", { ...ask, response_format: { type: "json_schema" } });
    expect(bad.status).toBe(400);
  });

  it("samples differently each time unless given a seed", async () => {
    const text = async (extra: Record<string, unknown>) =>
      (await (await call("/completions", { model: "tiny", prompt: "Once", max_tokens: 12, temperature: 1, ...extra })).json()).choices[0].text as string;
    const unseeded = new Set(await Promise.all([1, 2, 3, 4].map(() => text({}))));
    expect(unseeded.size).toBeGreaterThan(1);
    expect(await text({ seed: 42 })).toBe(await text({ seed: 42 }));
  });

  it("probes the models folder", async () => {
    const healthy = createEmbeddedAdapter(() => engine);
    await expect(healthy.probe(backend, never)).resolves.toBeUndefined();
    const broken = createEmbeddedAdapter(() => new EngineManager({ modelsDir: `${models.dir}/missing` }));
    await expect(broken.probe(backend, never)).rejects.toThrow("models folder");
  });
});
