/*
 * The embedded engine's speed on the tiny shared GGUF (stories260K, 512-token
 * context): generation and prompt tokens per second, alone and with parallel
 * requests, by thread count, and the same through the adapter's SSE stream.
 * The model is tiny, so these figures measure the engine's overhead per token
 * more than llama.cpp's arithmetic; a real model is far slower per token.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createEmbeddedAdapter } from "@/lib/engine/adapter";
import { generate } from "@/lib/engine/generate";
import { EngineManager, type Lease } from "@/lib/engine/manager";
import { tinyModelsDir } from "@/tests/support/models";

const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5);
const never = new AbortController().signal;
const MODEL = "stories260k";

const perSecond = (tokens: number, ms: number) => Math.round((tokens / ms) * 1000);

/** Run `work` on `parallel` request slots at once, RUNS times each; the wall time and the tokens it counted. */
async function phase(engine: EngineManager, parallel: number, work: (lease: Lease, slot: number, run: number) => Promise<number>) {
  let tokens = 0;
  // Two threads are so slow here that one short run says enough.
  const runs = engine.threads === 1 ? RUNS : 1;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async (_, slot) => {
      for (let run = 0; run < runs; run++) {
        const lease = await engine.acquire(MODEL, never);
        try {
          tokens += await work(lease, slot, run);
        } finally {
          lease.release();
        }
      }
    }),
  );
  return { tokens, wall: performance.now() - t0 };
}

async function measure(engine: EngineManager, parallel: number) {
  // A short prompt answered up to the end of the context: generation speed.
  const gen = await phase(engine, parallel, async (lease, slot, run) => {
    const maxTokens = engine.threads === 1 ? 480 : 64;
    const g = await generate(lease, lease.model.textPrompt(`Story ${slot}-${run}:`), { maxTokens, temperature: 0.8, seed: run, stop: [] }, never);
    return g.completionTokens;
  });
  // A long prompt answered with one token: prompt evaluation speed.
  const prompt = await phase(engine, parallel, async (lease, slot, run) => {
    const long = lease.model.textPrompt(`Once upon a time there was a little cat number ${slot}-${run}. `.repeat(25));
    await generate(lease, long, { maxTokens: 1, temperature: 0, stop: [] }, never);
    return long.count;
  });
  return { gen, prompt };
}

async function streamedThroughAdapter(engine: EngineManager) {
  const adapter = createEmbeddedAdapter(() => engine);
  const backend = { id: "bench", name: "embedded", engine: "embedded" as const, baseUrl: "embedded://local", apiKey: null, machineName: "bench", enabled: true, timeoutMs: 60_000 };
  let tokens = 0;
  let firstMs = 0;
  const t0 = performance.now();
  for (let r = 0; r < RUNS; r++) {
    const s0 = performance.now();
    const res = await adapter.call(backend, {
      path: "/chat/completions",
      stream: true,
      signal: never,
      body: { model: MODEL, messages: [{ role: "user", content: `Tell story ${r}` }], max_tokens: 480, stream_options: { include_usage: true } },
    });
    const reader = res.body!.getReader();
    let text = "";
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (first) {
        firstMs += performance.now() - s0;
        first = false;
      }
      text += new TextDecoder().decode(value);
    }
    const usage = /"completion_tokens":(\d+)/.exec(text);
    tokens += Number(usage?.[1] ?? 0);
  }
  return { tokens, wall: performance.now() - t0, firstMs: firstMs / RUNS };
}

export async function benchEngine() {
  const models = await tinyModelsDir([MODEL]);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const threads of [1, 2]) {
      for (const parallel of [1, 2]) {
        const engine = new EngineManager({ modelsDir: models.dir, threads, parallel });
        const l0 = performance.now();
        (await engine.acquire(MODEL, never)).release();
        const loadMs = performance.now() - l0;
        const m = await measure(engine, parallel);
        rows.push({
          threads,
          "parallel requests": parallel,
          "load ms": Math.round(loadMs),
          "generated tok/s (all requests)": perSecond(m.gen.tokens, m.gen.wall),
          "generated tok/s (per request)": perSecond(m.gen.tokens / parallel, m.gen.wall),
          "prompt tok/s (all requests)": perSecond(m.prompt.tokens, m.prompt.wall),
        });
        await engine.close();
      }
    }
    const engine = new EngineManager({ modelsDir: models.dir, threads: 1, parallel: 1 });
    const s = await streamedThroughAdapter(engine);
    await engine.close();

    console.log(`\nEmbedded engine: tiny GGUF (stories260K, 512-token context), CPU only; ${RUNS} runs of 480 tokens per request slot with 1 thread, 1 run of 64 with 2`);
    console.table(rows);
    console.log(
      `through the adapter, streamed as SSE (threads 1): ${perSecond(s.tokens, s.wall)} tok/s, first event after ${s.firstMs.toFixed(1)} ms on average`,
    );
  } finally {
    await models.remove();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await benchEngine();
  process.exit(0);
}
