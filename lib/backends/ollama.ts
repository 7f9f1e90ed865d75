import { randomUUID } from "node:crypto";
import { backendFetch, describeFetchError } from "./http";
import { type EngineAdapter, UpstreamUnavailable } from "./types";
import { json, sse } from "./wire";

/*
 * Ollama's native API (/api/chat, /api/generate, /api/embed) spoken on behalf
 * of OpenAI-format calls. Answers are rebuilt in OpenAI's format, streams as SSE.
 */

type Json = Record<string, unknown>;
type OllamaToolCall = { function: { name: string; arguments: unknown } };
interface OllamaMessage {
  role: string;
  content: string;
  thinking?: string;
  images?: string[];
  tool_calls?: OllamaToolCall[];
}

function toOllamaMessage(m: Json): OllamaMessage {
  const out: OllamaMessage = { role: String(m.role), content: "" };
  if (typeof m.content === "string") out.content = m.content;
  else if (Array.isArray(m.content)) {
    const texts: string[] = [];
    for (const part of m.content as Json[]) {
      if (part.type === "text") texts.push(String(part.text ?? ""));
      if (part.type === "image_url") {
        const url = String((part.image_url as Json)?.url ?? "");
        (out.images ??= []).push(url.replace(/^data:[^,]*,/, ""));
      }
    }
    out.content = texts.join("\n");
  }
  if (Array.isArray(m.tool_calls)) {
    out.tool_calls = (m.tool_calls as Json[]).map((c) => {
      const fn = c.function as Json;
      let args: unknown = fn.arguments;
      try {
        args = typeof args === "string" ? JSON.parse(args) : args;
      } catch {
        // Leave unparsable arguments as the text the client sent.
      }
      return { function: { name: String(fn.name), arguments: args } };
    });
  }
  return out;
}

function options(body: Json): Json {
  const o: Json = {};
  const map: [string, string][] = [
    ["temperature", "temperature"],
    ["top_p", "top_p"],
    ["max_tokens", "num_predict"],
    ["seed", "seed"],
    ["presence_penalty", "presence_penalty"],
    ["frequency_penalty", "frequency_penalty"],
  ];
  for (const [from, to] of map) if (body[from] !== undefined && body[from] !== null) o[to] = body[from];
  if (body.stop !== undefined && body.stop !== null) o.stop = Array.isArray(body.stop) ? body.stop : [body.stop];
  return o;
}

function toolCallsToOpenAI(calls: OllamaToolCall[] | undefined) {
  return calls?.map((c, index) => ({
    index,
    id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
    type: "function",
    function: {
      name: c.function.name,
      arguments: typeof c.function.arguments === "string" ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}),
    },
  }));
}

const finishReason = (done: Json, hasTools: boolean) =>
  hasTools ? "tool_calls" : done.done_reason === "length" ? "length" : "stop";

const usageOf = (d: Json) => {
  const prompt = Number(d.prompt_eval_count ?? 0);
  const completion = Number(d.eval_count ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};


/** Ollama errors come as {"error": "text"}; give them OpenAI's envelope. */
async function errorResponse(res: Response): Promise<Response> {
  const text = await res.text();
  let message = text;
  try {
    message = String((JSON.parse(text) as Json).error ?? text);
  } catch {
    // not JSON: keep the text
  }
  return json(res.status, { error: { message, type: res.status >= 500 ? "server_error" : "invalid_request_error" } });
}

async function* ndjson(body: ReadableStream<Uint8Array>): AsyncGenerator<Json> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line) as Json;
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer) as Json;
}

async function chat(body: Json, res: Response, stream: boolean): Promise<Response> {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model);
  if (!stream) {
    const d = (await res.json()) as Json;
    const msg = (d.message ?? {}) as OllamaMessage;
    const tools = toolCallsToOpenAI(msg.tool_calls)?.map(({ index: _i, ...c }) => c);
    return json(200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: tools?.length && !msg.content ? null : msg.content,
            ...(msg.thinking ? { reasoning_content: msg.thinking } : {}),
            ...(tools?.length ? { tool_calls: tools } : {}),
          },
          finish_reason: finishReason(d, Boolean(tools?.length)),
        },
      ],
      usage: usageOf(d),
    });
  }
  const base = { id, object: "chat.completion.chunk", created, model };
  async function* chunks(): AsyncGenerator<Json> {
    let first = true;
    let sawTools = false;
    for await (const d of ndjson(res.body!)) {
      if (d.error) throw new Error(String(d.error));
      const msg = (d.message ?? {}) as OllamaMessage;
      const delta: Json = first ? { role: "assistant" } : {};
      first = false;
      if (msg.content) delta.content = msg.content;
      if (msg.thinking) delta.reasoning_content = msg.thinking;
      const tools = toolCallsToOpenAI(msg.tool_calls);
      if (tools?.length) {
        delta.tool_calls = tools;
        sawTools = true;
      }
      if (Object.keys(delta).length > 0 && !(d.done && !msg.content && !msg.thinking && !tools?.length && !delta.role)) {
        yield { ...base, choices: [{ index: 0, delta, finish_reason: null }] };
      }
      if (d.done) {
        yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason(d, sawTools) }] };
        yield { ...base, choices: [], usage: usageOf(d) };
      }
    }
  }
  return sse(chunks());
}

async function generate(body: Json, res: Response, stream: boolean): Promise<Response> {
  const id = `cmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model);
  const base = { id, object: "text_completion", created, model };
  if (!stream) {
    const d = (await res.json()) as Json;
    return json(200, {
      ...base,
      choices: [{ index: 0, text: String(d.response ?? ""), logprobs: null, finish_reason: finishReason(d, false) }],
      usage: usageOf(d),
    });
  }
  async function* chunks(): AsyncGenerator<Json> {
    for await (const d of ndjson(res.body!)) {
      if (d.error) throw new Error(String(d.error));
      if (d.response) yield { ...base, choices: [{ index: 0, text: d.response, logprobs: null, finish_reason: null }] };
      if (d.done) {
        yield { ...base, choices: [{ index: 0, text: "", logprobs: null, finish_reason: finishReason(d, false) }] };
        yield { ...base, choices: [], usage: usageOf(d) };
      }
    }
  }
  return sse(chunks());
}

async function embed(body: Json, res: Response): Promise<Response> {
  const d = (await res.json()) as Json;
  const vectors = (d.embeddings ?? []) as number[][];
  const prompt = Number(d.prompt_eval_count ?? 0);
  return json(200, {
    object: "list",
    data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
    model: String(body.model),
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  });
}

export const ollamaAdapter: EngineAdapter = {
  async call(backend, call) {
    if (call.body instanceof FormData) {
      return json(400, { error: { message: "This model's backend (Ollama) does not accept file uploads", type: "invalid_request_error" } });
    }
    const body = call.body;
    let path: string;
    let payload: Json;
    if (call.path === "/chat/completions") {
      path = "/api/chat";
      payload = {
        model: body.model,
        messages: ((body.messages ?? []) as Json[]).map(toOllamaMessage),
        stream: call.stream,
        options: options(body),
      };
      if (body.tools) payload.tools = body.tools;
      const format = (body.response_format as Json | undefined)?.type;
      if (format === "json_object") payload.format = "json";
      if (format === "json_schema") payload.format = ((body.response_format as Json).json_schema as Json)?.schema;
    } else if (call.path === "/completions") {
      path = "/api/generate";
      payload = { model: body.model, prompt: Array.isArray(body.prompt) ? body.prompt.join("\n") : body.prompt, stream: call.stream, options: options(body), raw: true };
    } else if (call.path === "/embeddings") {
      path = "/api/embed";
      payload = { model: body.model, input: body.input, ...(body.dimensions ? { dimensions: body.dimensions } : {}) };
    } else {
      return json(400, { error: { message: `This model's backend (Ollama) does not support ${call.path}`, type: "invalid_request_error" } });
    }
    // Serialised before the call: a body that cannot be is the request's fault, never the backend's.
    const serialized = JSON.stringify(payload);
    let res: Response;
    try {
      res = await backendFetch(backend, path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: serialized,
        signal: call.signal,
      });
    } catch (err) {
      if (call.signal.aborted) throw err;
      throw new UpstreamUnavailable(describeFetchError(err));
    }
    if (!res.ok) return errorResponse(res);
    if (call.path === "/chat/completions") return chat(body, res, call.stream);
    if (call.path === "/completions") return generate(body, res, call.stream);
    return embed(body, res);
  },

  async probe(backend, signal) {
    const res = await backendFetch(backend, "/api/tags", { signal });
    await res.body?.cancel();
    if (!res.ok) throw new UpstreamUnavailable(`health check answered ${res.status}`, res.status);
  },
};
