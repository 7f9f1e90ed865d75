import http from "node:http";
import type { AddressInfo } from "node:net";
import { toneWav } from "./wav";

/*
 * Inference servers for the endpoints beyond chat, as their engines answer:
 * - "openai": vLLM / speaches / LocalAI style, every route under /v1;
 * - "tei": Hugging Face TEI, /v1/embeddings but /rerank at the root with {query, texts};
 * - "whispercpp": whisper.cpp's server, only /inference at the root.
 * The upstream model name picks a behaviour: "embed-dims" honours
 * `dimensions`, "nousage" reports no usage, "old-vllm" refuses verbose_json,
 * "json-only" ignores response_format, "img-url" answers with links,
 * "fail500" and "reject400" fail.
 */

export type Flavor = "openai" | "tei" | "whispercpp";

export interface FakeCall {
  path: string;
  body: Record<string, unknown>;
  file?: { name: string; type: string; size: number };
  headers: http.IncomingHttpHeaders;
}

export const TRANSCRIPT = "Bonjour, ceci est un test de transcription audio.";
export const TRANSLATION = "Hello, this is an audio transcription test.";
/** A 1×1 PNG. */
export const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** A deterministic vector whose values are exact in float32 (multiples of 1/256), so base64 round trips compare equal. */
export function fakeVector(text: string, dims = 8): number[] {
  let h = 7;
  for (const c of text) h = (h * 31 + c.codePointAt(0)!) % 100_003;
  return Array.from({ length: dims }, (_, i) => (((h + i * 37) % 512) - 256) / 256);
}

/** How the fake scores a document: the share of the query's words it contains. */
export function fakeScore(query: string, doc: string, index: number): number {
  const q = words(query);
  const d = new Set(words(doc));
  return q.filter((w) => d.has(w)).length / Math.max(1, q.length) + 0.001 / (index + 1);
}

function segments(text: string, duration: number, whisperCpp: boolean) {
  const half = Math.round((duration / 2) * 100) / 100;
  const [first, second] = [text.slice(0, text.indexOf(",") + 1), text.slice(text.indexOf(",") + 1)];
  return [
    { id: 0, seek: 0, start: 0, end: half, text: ` ${first}`, tokens: [50364, 40365, 33], temperature: 0, avg_logprob: -0.25, compression_ratio: 1.5, no_speech_prob: 0.05 },
    { id: 1, seek: 0, start: half, end: duration, text: second, tokens: [2373, 359, 456], temperature: 0, avg_logprob: -0.3, compression_ratio: 1.4, no_speech_prob: 0.02 },
  ].map((s) => (whisperCpp ? { id: s.id, text: s.text, start: s.start, end: s.end, tokens: s.tokens, words: [], temperature: 0, avg_logprob: s.avg_logprob, no_speech_prob: s.no_speech_prob } : s));
}

export async function startFakeModalities(options: { flavor?: Flavor; machine?: string } = {}) {
  const flavor = options.flavor ?? "openai";
  const calls: FakeCall[] = [];
  let base = "";

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = req.url ?? "/";
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    const notFound = () => send(404, flavor === "openai" ? { detail: "Not Found" } : "Not Found", flavor === "openai" ? "application/json" : "text/plain");

    if (req.method === "GET") {
      if (url === "/v1/models" && flavor === "openai") return send(200, { object: "list", data: [] });
      if (url === "/files/generated.png") return send(200, Buffer.from(PNG_BASE64, "base64"), "image/png");
      return notFound();
    }

    const type = req.headers["content-type"] ?? "";
    let body: Record<string, unknown> = {};
    let file: FakeCall["file"];
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      for (const [k, v] of form) {
        if (typeof v === "string") body[k] = v;
        else if (k === "file") file = { name: v.name, type: v.type, size: v.size };
      }
    } else if (raw.length) {
      try {
        body = JSON.parse(raw.toString()) as Record<string, unknown>;
      } catch {
        return send(422, { error: "Failed to deserialize the JSON body" });
      }
    }
    calls.push({ path: url, body, file, headers: req.headers });
    const model = String(body.model ?? "");
    if (model === "fail500") return send(500, { error: { message: "engine crashed", type: "server_error" } });
    if (model === "reject400") return send(400, { error: { message: "input is too long for this model", type: "BadRequestError", code: 400 } });

    if (url === "/v1/embeddings" && flavor !== "whispercpp") {
      const input = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
      const dims = model === "embed-dims" && typeof body.dimensions === "number" ? body.dimensions : 8;
      const tokens = input.reduce((n, t) => n + words(String(t)).length, 0);
      // Answered in reverse order: the gateway must put them back by index.
      const data = input.map((t, index) => ({ object: "embedding", index, embedding: fakeVector(String(t), dims) })).reverse();
      return send(200, { object: "list", data, model, ...(model === "nousage" ? {} : { usage: { prompt_tokens: tokens, total_tokens: tokens } }) });
    }

    if (url === "/v1/rerank" && flavor === "openai") {
      const docs = body.documents as string[];
      const query = String(body.query);
      const results = docs
        .map((d, index) => ({ index, document: { text: d }, relevance_score: fakeScore(query, d, index) }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, typeof body.top_n === "number" ? body.top_n : docs.length);
      const tokens = docs.reduce((n, d) => n + words(query).length + words(d).length, 0);
      return send(200, { id: "rerank-upstream", model, ...(model === "nousage" ? {} : { usage: { total_tokens: tokens } }), results });
    }
    if (url === "/rerank" && flavor === "tei") {
      if (!Array.isArray(body.texts)) return send(422, "Failed to deserialize the JSON body into the target type: missing field `texts` at line 1 column 20", "text/plain");
      const query = String(body.query);
      return send(200, (body.texts as string[]).map((t, index) => ({ index, score: fakeScore(query, t, index) })).sort((a, b) => b.score - a.score));
    }

    // The engine's own idea of the duration, wrong on purpose: the gateway bills what it measured.
    const duration = 3.5;
    if ((url === "/v1/audio/transcriptions" || url === "/v1/audio/translations") && flavor === "openai") {
      if (!file) return send(400, { error: { message: "file is required", type: "invalid_request_error" } });
      const translate = url.endsWith("translations");
      const text = translate ? TRANSLATION : TRANSCRIPT;
      if (model === "old-vllm" && body.response_format === "verbose_json") {
        return send(400, { error: { message: "Currently only support response_format `text` or `json`", type: "BadRequestError" } });
      }
      if (model === "json-only" || body.response_format === "json") return send(200, { text });
      return send(200, { task: translate ? "translate" : "transcribe", language: body.language ?? "fr", duration, text, segments: segments(text, duration, false) });
    }
    if (url === "/inference" && flavor === "whispercpp") {
      const translate = body.translate === "true";
      const text = translate ? TRANSLATION : TRANSCRIPT;
      return send(200, { task: translate ? "translate" : "transcribe", language: "french", duration, text, segments: segments(text, duration, true), detected_language: "fr" });
    }

    if (url === "/v1/audio/speech" && flavor === "openai") {
      const format = String(body.response_format ?? "mp3");
      if (format === "wav") return send(200, toneWav(0.25), "audio/wav");
      // Some servers label every format application/octet-stream.
      return send(200, Buffer.from(`fake ${format} audio for: ${body.input}`), model === "octet" ? "application/octet-stream" : format === "mp3" ? "audio/mpeg" : `audio/${format}`);
    }

    if (url === "/v1/images/generations" && flavor === "openai") {
      const n = Number(body.n ?? 1);
      const item = model === "img-url" ? { url: `${base}/files/generated.png` } : { b64_json: PNG_BASE64, revised_prompt: `${body.prompt} (revised)` };
      return send(200, { created: 1_750_000_000, data: Array.from({ length: n }, () => item) });
    }
    return notFound();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    /** The URL to register: the /v1 base, as for any OpenAI-compatible server. */
    url: `${base}/v1`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
