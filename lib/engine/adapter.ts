import { randomInt, randomUUID } from "node:crypto";
import type { LlamaGrammar } from "node-llama-cpp";
import { abortSignalOf } from "../backends/signal";
import { type EngineAdapter, UpstreamUnavailable } from "../backends/types";
import { checkModelsDir } from "./files";
import { type Generation, type Sampling, contextExceeded, generate } from "./generate";
import { getLlamaRuntime } from "./llama";
import type { LoadedModel, Prompt } from "./loaded-model";
import { EngineError, type EngineManager, type Lease, getEngine } from "./manager";
import { serveSpeech } from "./speech/serve";
import { toChatTurns } from "./template";
import { Channel, errorJson, json, sse } from "./wire";

/*
 * The embedded engine behind the EngineAdapter interface: OpenAI-format calls
 * run on the local llama.cpp engine, answers are built in OpenAI's format,
 * streams as SSE. The backend's upstream id names the GGUF file.
 */

type Json = Record<string, unknown>;
type Kind = "chat" | "text";

type ChoiceEvent = { index: number } & ({ type: "start" } | { type: "text"; text: string } | { type: "end"; finishReason: Generation["finishReason"] });

interface Job {
  index: number;
  prompt: Prompt;
  /** Completions' echo: the prompt's text comes back before the answer. */
  echo: string;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function readSampling(body: Json, contextSize: number): Sampling {
  const stop = body.stop;
  return {
    maxTokens: num(body.max_tokens) ?? num(body.max_completion_tokens) ?? contextSize,
    temperature: num(body.temperature),
    topP: num(body.top_p),
    seed: num(body.seed),
    presencePenalty: num(body.presence_penalty),
    frequencyPenalty: num(body.frequency_penalty),
    stop: typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : [],
  };
}

/** `response_format` as a grammar the sampler must follow; undefined for plain text. */
async function grammarFor(body: Json): Promise<LlamaGrammar | undefined> {
  const format = body.response_format as Json | undefined;
  if (!format || format.type === "text") return undefined;
  const llama = await getLlamaRuntime();
  if (format.type === "json_object") return llama.getGrammarFor("json");
  const schema = (format.json_schema as Json | undefined)?.schema;
  if (format.type !== "json_schema" || !schema || typeof schema !== "object") {
    throw new EngineError(400, "'response_format' must be text, json_object, or json_schema with a schema", "invalid_value", "response_format");
  }
  try {
    return await llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0]);
  } catch (err) {
    throw new EngineError(400, `The embedded engine cannot follow this JSON schema: ${err instanceof Error ? err.message : String(err)}`, "invalid_value", "response_format");
  }
}

/** One job per prompt and per sample (`n`), numbered as OpenAI numbers choices. */
function jobsFor(kind: Kind, body: Json, model: LoadedModel): Job[] {
  const n = Math.max(1, Math.min(16, Math.floor(num(body.n) ?? 1)));
  let prompts: { prompt: Prompt; echo: string }[];
  if (kind === "chat") {
    prompts = [{ prompt: model.chatPrompt(toChatTurns((body.messages ?? []) as Json[])), echo: "" }];
  } else {
    const raw = Array.isArray(body.prompt) ? body.prompt : [body.prompt ?? ""];
    prompts = raw.map((p) => ({ prompt: model.textPrompt(String(p)), echo: body.echo === true ? String(p) : "" }));
  }
  for (const { prompt } of prompts) {
    if (prompt.count >= model.contextSize) throw contextExceeded(model.contextSize, prompt.count);
  }
  return prompts.flatMap((p, i) => Array.from({ length: n }, (_, k) => ({ index: i * n + k, ...p })));
}

/** Run the jobs one after another on the lease's slot (a sequence reuses the prompt it already holds). */
async function runJobs(lease: Lease, jobs: Job[], sampling: Sampling, signal: AbortSignal, emit?: (e: ChoiceEvent) => void) {
  const results: (Generation & { index: number; echo: string })[] = [];
  let promptTokens = 0;
  const counted = new Set<Prompt>();
  for (const job of jobs) {
    if (signal.aborted) break;
    if (!counted.has(job.prompt)) {
      counted.add(job.prompt);
      promptTokens += job.prompt.count;
    }
    emit?.({ index: job.index, type: "start" });
    if (job.echo) emit?.({ index: job.index, type: "text", text: job.echo });
    // llama.cpp's sampler repeats itself for a given seed: a seed per choice, random unless the caller chose one.
    const seed = sampling.seed !== undefined ? sampling.seed + job.index : randomInt(2 ** 31 - 1);
    const g = await generate(lease, job.prompt, { ...sampling, seed }, signal, emit ? (text) => emit({ index: job.index, type: "text", text }) : undefined);
    results.push({ ...g, index: job.index, echo: job.echo });
    if (!g.aborted) emit?.({ index: job.index, type: "end", finishReason: g.finishReason });
  }
  const completionTokens = results.reduce((sum, r) => sum + r.completionTokens, 0);
  return { results, usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
}

async function* chatEvents(events: Channel<ChoiceEvent>, done: Promise<{ usage: Json }>, base: Json): AsyncGenerator<Json> {
  for await (const e of events) {
    const choice =
      e.type === "start"
        ? { index: e.index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }
        : e.type === "text"
          ? { index: e.index, delta: { content: e.text }, logprobs: null, finish_reason: null }
          : { index: e.index, delta: {}, logprobs: null, finish_reason: e.finishReason };
    yield { ...base, choices: [choice] };
  }
  yield { ...base, choices: [], usage: (await done).usage };
}

async function* textEvents(events: Channel<ChoiceEvent>, done: Promise<{ usage: Json }>, base: Json): AsyncGenerator<Json> {
  for await (const e of events) {
    if (e.type === "start") continue;
    const text = e.type === "text" ? e.text : "";
    yield { ...base, choices: [{ index: e.index, text, logprobs: null, finish_reason: e.type === "end" ? e.finishReason : null }] };
  }
  yield { ...base, choices: [], usage: (await done).usage };
}

/** An error in the middle of a stream, as OpenAI-compatible servers send it: an event with `error`. */
async function* reportingErrors(gen: AsyncGenerator<Json>): AsyncGenerator<Json> {
  try {
    yield* gen;
  } catch (err) {
    yield { error: { message: err instanceof EngineError ? err.message : "The embedded engine failed while generating", type: "server_error" } };
  }
}

async function completeOrStream(engine: EngineManager, kind: Kind, body: Json, stream: boolean, signal: AbortSignal): Promise<Response> {
  const grammar = await grammarFor(body);
  const lease = await engine.acquire(String(body.model), signal);
  let jobs: Job[];
  try {
    jobs = jobsFor(kind, body, lease.model);
  } catch (err) {
    lease.release();
    throw err;
  }
  const sampling = { ...readSampling(body, lease.model.contextSize), grammar };
  // Stops generation when the caller goes away or the stream's reader cancels.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) stop.abort();
  const events = stream ? new Channel<ChoiceEvent>() : null;
  // The run owns the lease: it is released when generation ends, however the answer is read.
  const run = runJobs(lease, jobs, sampling, stop.signal, events ? (e) => events.push(e) : undefined).finally(() => {
    lease.release();
    signal.removeEventListener("abort", onAbort);
  });

  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model);
  if (events) {
    run.then(() => events.end(), (err: unknown) => events.end(err));
    const base = kind === "chat"
      ? { id: `chatcmpl-${randomUUID()}`, object: "chat.completion.chunk", created, model }
      : { id: `cmpl-${randomUUID()}`, object: "text_completion", created, model };
    return sse(reportingErrors((kind === "chat" ? chatEvents : textEvents)(events, run, base)), () => stop.abort());
  }

  const { results, usage } = await run;
  signal.throwIfAborted();
  const choices = results.map((r) =>
    kind === "chat"
      ? { index: r.index, message: { role: "assistant", content: r.text }, logprobs: null, finish_reason: r.finishReason }
      : { index: r.index, text: r.echo + r.text, logprobs: null, finish_reason: r.finishReason },
  );
  return json(200, {
    id: kind === "chat" ? `chatcmpl-${randomUUID()}` : `cmpl-${randomUUID()}`,
    object: kind === "chat" ? "chat.completion" : "text_completion",
    created,
    model,
    choices,
    usage,
  });
}

async function embed(engine: EngineManager, body: Json, signal: AbortSignal): Promise<Response> {
  const input = body.input;
  const inputs = typeof input === "string" ? [input] : Array.isArray(input) ? input : null;
  if (!inputs || inputs.length === 0 || !inputs.every((i) => typeof i === "string")) {
    return errorJson(400, "'input' must be a string or a non-empty array of strings", "invalid_value", "input");
  }
  const model = String(body.model);
  const lease = await engine.acquire(model, signal);
  try {
    const context = await lease.model.embeddings();
    if (!context) return errorJson(400, `Model '${model}' cannot produce embeddings`, "model_not_embedding_capable", "model");
    const data: Json[] = [];
    let tokens = 0;
    for (const [index, text] of (inputs as string[]).entries()) {
      signal.throwIfAborted();
      const length = context.calculateInputLength(text);
      if (length >= lease.model.contextSize) {
        return errorJson(400, `Input ${index} has ${length} tokens; this model embeds at most ${lease.model.contextSize - 1}`, "context_length_exceeded", "input");
      }
      tokens += length;
      const { vector } = await context.getEmbeddingFor(text);
      const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : [...vector];
      data.push({ object: "embedding", index, embedding });
    }
    return json(200, { object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  } finally {
    lease.release();
  }
}

/** The adapter for backends of engine "embedded", on the given engine (the process's by default). */
export function createEmbeddedAdapter(engine: () => EngineManager = getEngine): EngineAdapter {
  return {
    async call(_backend, call) {
      if (call.body instanceof FormData) return errorJson(400, "The embedded engine does not accept file uploads");
      const body = call.body;
      const signal = abortSignalOf(call.signal);
      try {
        if (call.path === "/chat/completions") return await completeOrStream(engine(), "chat", body, call.stream, signal);
        if (call.path === "/completions") return await completeOrStream(engine(), "text", body, call.stream, signal);
        if (call.path === "/embeddings") return await embed(engine(), body, signal);
        if (call.path === "/audio/speech") return await serveSpeech(body, signal);
        return errorJson(400, `The embedded engine does not support ${call.path}`, "unsupported_endpoint");
      } catch (err) {
        if (call.signal.aborted) throw err;
        if (err instanceof EngineError) return errorJson(err.status, err.message, err.code, err.param);
        // The native library failed to load or broke: the engine itself is unusable here.
        throw new UpstreamUnavailable(`embedded engine: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    async probe(_backend, signal) {
      signal.throwIfAborted();
      try {
        await checkModelsDir(engine().modelsDir);
      } catch {
        throw new UpstreamUnavailable("the embedded engine's models folder cannot be read");
      }
    },
  };
}

export const embeddedAdapter = createEmbeddedAdapter();
