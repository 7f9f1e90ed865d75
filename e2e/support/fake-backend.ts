/*
 * An OpenAI-compatible backend for the browser tests, run as its own process
 * beside the server (see playwright.config.ts). It answers chat (streamed
 * word by word, with tool calls, reasoning and images), embeddings, rerank,
 * transcription and speech, and reports what it was asked at GET /__requests,
 * including whether the gateway cut a stream short.
 *
 * What a chat answers depends on the prompt: "long" gives a slow answer of
 * hundreds of words (to stop), a tool definition gives a tool call, a tool
 * result is quoted back, an image is counted.
 */
import http from "node:http";
import { toneWav } from "./wav";

type Json = Record<string, unknown>;

/** What the fake was asked, as GET /__requests reports it. */
export interface Seen {
  path: string;
  model: string;
  stream: boolean;
  aborted: boolean;
  finished: boolean;
  images: number;
  tools: number;
  /** The JSON body as it arrived, for tests that compare it with what the console shows. */
  body: Json;
}

const PORT = Number(process.env.FAKE_BACKEND_PORT ?? 3199);
const seen: Seen[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lastMessage(body: Json): Json | undefined {
  const messages = (body.messages ?? []) as Json[];
  return messages.filter((m) => m.role !== "system").at(-1);
}

function textOf(message: Json | undefined): string {
  if (!message) return "";
  if (typeof message.content === "string") return message.content;
  return ((message.content ?? []) as Json[])
    .filter((p) => p.type === "text")
    .map((p) => String(p.text))
    .join(" ");
}

function imagesIn(body: Json): number {
  let n = 0;
  for (const m of (body.messages ?? []) as Json[]) if (Array.isArray(m.content)) n += (m.content as Json[]).filter((p) => p.type === "image_url").length;
  return n;
}

/** The answer's text, split into the chunks it streams in. */
function answerFor(body: Json): { words: string[]; delayMs: number; toolCall: Json | null } {
  const model = String(body.model);
  const last = lastMessage(body);
  const text = textOf(last);
  const tools = (body.tools ?? []) as Json[];
  if (last?.role === "tool") return { words: `The tool answered: ${text}`.split(/(?<= )/), delayMs: 10, toolCall: null };
  if (tools.length && body.tool_choice !== "none") {
    const name = String((tools[0]!.function as Json).name);
    return { words: [], delayMs: 0, toolCall: { id: `call_${Math.random().toString(36).slice(2, 10)}`, type: "function", function: { name, arguments: '{"location":"Paris, France","unit":"celsius"}' } } };
  }
  if (/\blong\b/i.test(text)) {
    const words = Array.from({ length: 400 }, (_, i) => `word${i} `);
    return { words, delayMs: 40, toolCall: null };
  }
  const images = imagesIn(body);
  const intro = images ? `I see ${images} image${images > 1 ? "s" : ""}. ` : "";
  const markdown = `${intro}Hello from **${model}**! You said: ${text}\n\nHere is some code:\n\n\`\`\`python\ndef greet(name):\n    return f"Hello, {name}!"\n\`\`\`\n\n- one\n- two\n`;
  return { words: markdown.split(/(?<= )/), delayMs: 15, toolCall: null };
}

async function chat(body: Json, record: Seen, res: http.ServerResponse) {
  const model = String(body.model);
  const { words, delayMs, toolCall } = answerFor(body);
  const reasoning = model.includes("reason") ? ["Let ", "me ", "think."] : [];
  const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
  const completionTokens = toolCall ? 15 : words.length + reasoning.length;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...(reasoning.length ? { completion_tokens_details: { reasoning_tokens: reasoning.length } } : {}),
  };
  const id = `fake-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    const message = toolCall ? { role: "assistant", content: null, tool_calls: [toolCall] } : { role: "assistant", content: words.join("") };
    res.end(JSON.stringify({ id, object: "chat.completion", created, model, choices: [{ index: 0, message, finish_reason: toolCall ? "tool_calls" : "stop" }], usage }));
    record.finished = true;
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  const chunk = (delta: Json, finish: string | null = null) => ({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  send(chunk({ role: "assistant", content: "" }));
  for (const r of reasoning) send(chunk({ reasoning_content: r }));
  if (toolCall) {
    const fn = toolCall.function as Json;
    send(chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: "function", function: { name: fn.name, arguments: "" } }] }));
    send(chunk({ tool_calls: [{ index: 0, function: { arguments: fn.arguments } }] }));
    send(chunk({}, "tool_calls"));
  } else {
    for (const w of words) {
      if (res.destroyed) return;
      await sleep(delayMs);
      send(chunk({ content: w }));
    }
    send(chunk({}, "stop"));
  }
  if ((body.stream_options as Json | undefined)?.include_usage) send({ id, object: "chat.completion.chunk", created, model, choices: [], usage });
  res.end("data: [DONE]\n\n");
  record.finished = true;
}

/** A deterministic unit vector per text, so similar prompts give the same similarity every run. */
function vectorOf(text: string, dims = 8): number[] {
  const v = Array.from({ length: dims }, () => 0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 0;
    for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % dims]! += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Share of the query's words the document contains. */
function overlap(query: string, doc: string): number {
  const q = [...new Set(query.toLowerCase().split(/\W+/).filter(Boolean))];
  const d = new Set(doc.toLowerCase().split(/\W+/).filter(Boolean));
  return q.length ? q.filter((w) => d.has(w)).length / q.length : 0;
}

/** Seconds of audio in a WAV file, or a guess for anything else. */
function wavSeconds(bytes: Buffer): number {
  if (bytes.length > 44 && bytes.toString("ascii", 0, 4) === "RIFF") {
    const byteRate = bytes.readUInt32LE(28);
    if (byteRate > 0) return (bytes.length - 44) / byteRate;
  }
  return 3;
}

const srtTime = (s: number, sep: string) => {
  const ms = Math.round(s * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
};

async function transcription(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse, translate: boolean) {
  const form = await new Request("http://fake/", { method: "POST", headers: req.headers as Record<string, string>, body: new Uint8Array(raw) }).formData();
  const file = form.get("file") as File | null;
  const bytes = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
  const duration = Math.max(1, wavSeconds(bytes));
  const sentences = translate ? ["This is the translation.", "It has three parts.", "The end."] : ["Hello from the fake transcriber.", "This is the second segment.", "And this is the last one."];
  const step = duration / sentences.length;
  const segments = sentences.map((text, i) => ({ id: i, seek: 0, start: +(i * step).toFixed(2), end: +((i + 1) * step).toFixed(2), text: ` ${text}`, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 }));
  const text = sentences.join(" ");
  const format = String(form.get("response_format") ?? "json");
  const language = String(form.get("language") || "en");
  if (format === "text") return void res.writeHead(200, { "content-type": "text/plain" }).end(text);
  if (format === "srt") return void res.writeHead(200, { "content-type": "text/plain" }).end(segments.map((s, i) => `${i + 1}\n${srtTime(s.start, ",")} --> ${srtTime(s.end, ",")}\n${s.text.trim()}\n`).join("\n"));
  if (format === "vtt") return void res.writeHead(200, { "content-type": "text/vtt" }).end(`WEBVTT\n\n${segments.map((s) => `${srtTime(s.start, ".")} --> ${srtTime(s.end, ".")}\n${s.text.trim()}\n`).join("\n")}`);
  const body = format === "verbose_json" ? { task: translate ? "translate" : "transcribe", language, duration, text, segments } : { text };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const path = (req.url ?? "/").split("?")[0]!.replace(/^\/v1/, "");
  if (req.method === "GET" && path === "/__requests") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(seen));
  if (req.method === "GET" && path === "/models") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [] }));
  let body: Json = {};
  if ((req.headers["content-type"] ?? "").includes("json")) {
    try {
      body = JSON.parse(raw.toString()) as Json;
    } catch {
      body = {};
    }
  }
  const record: Seen = { path, model: String(body.model ?? ""), stream: Boolean(body.stream), aborted: false, finished: false, images: imagesIn(body), tools: ((body.tools ?? []) as unknown[]).length, body };
  seen.push(record);
  res.on("close", () => {
    if (!res.writableFinished) record.aborted = true;
  });
  try {
    if (path === "/chat/completions") return await chat(body, record, res);
    if (path === "/embeddings") {
      const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
      const data = input.map((t, index) => ({ object: "embedding", index, embedding: vectorOf(t) }));
      const tokens = input.join(" ").split(/\s+/).length;
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
    }
    if (path === "/rerank") {
      const docs = ((body.documents ?? body.texts ?? []) as (string | Json)[]).map((d) => (typeof d === "string" ? d : String(d.text ?? "")));
      const query = String(body.query ?? "");
      const results = docs.map((d, index) => ({ index, relevance_score: +(0.05 + 0.9 * overlap(query, d)).toFixed(4), document: { text: d } })).sort((a, b) => b.relevance_score - a.relevance_score);
      const n = Number(body.top_n ?? results.length);
      const tokens = (query + docs.join(" ")).split(/\s+/).length;
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "rerank-fake", model: body.model, results: results.slice(0, n), usage: { total_tokens: tokens, prompt_tokens: tokens } }));
    }
    if (path === "/audio/transcriptions" || path === "/audio/translations") return await transcription(req, raw, res, path.endsWith("translations"));
    if (path === "/audio/speech") {
      const seconds = Math.min(3, 0.4 + String(body.input ?? "").length / 40);
      return void res.writeHead(200, { "content-type": "audio/wav" }).end(toneWav(seconds / Number(body.speed ?? 1)));
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${path}`, type: "invalid_request_error" } }));
  } finally {
    if (!record.aborted && res.writableFinished) record.finished = true;
  }
});

server.listen(PORT, "127.0.0.1", () => process.stdout.write(`fake backend on http://127.0.0.1:${PORT}/v1\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
