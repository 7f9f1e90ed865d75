import http from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A small OpenAI-compatible inference server for tests. Its behaviour is
 * chosen by the upstream model name ("echo", "tools", "reasoner", "fail500",
 * "reject400", "die", "slow", "nousage", and "leak400", "leak500", "leakstream"
 * whose error bodies carry everything an engine should never let through:
 * a trace, paths, SQL, its address and the key it was sent) and by an optional "fake" object in
 * the request body, which the gateway passes through like any unknown field.
 */

export interface FakeRequest {
  path: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  aborted: boolean;
}

export interface FakeBackend {
  url: string;
  port: number;
  requests: FakeRequest[];
  /** Requests being answered now. */
  readonly inFlight: number;
  /** Answer every request with this status until cleared. */
  failWith: number | null;
  close(): Promise<void>;
  /** Stop accepting connections (the port then refuses), keeping the object. */
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function words(text: string, n: number): string[] {
  const base = text.split(/(\s+)/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(base[i % base.length] ?? "x");
  return out;
}

function lastUserText(body: Json): string {
  const messages = (body.messages ?? []) as Json[];
  const last = [...messages].reverse().find((m) => m.role === "user" || m.role === "tool");
  if (!last) return String(body.prompt ?? "");
  if (typeof last.content === "string") return last.content;
  return ((last.content ?? []) as Json[])
    .filter((p) => p.type === "text")
    .map((p) => String(p.text))
    .join(" ");
}

/** An error message with a trace, paths, SQL, the engine's address and the Authorization header it received. */
export function leakyMessage(authorization: string, port: number): string {
  return [
    `Input validation error: temperature must be positive. Retry at http://127.0.0.1:${port}/v1 or gpu-7.internal:${port}.`,
    "Traceback (most recent call last):",
    '  File "/opt/vllm/entrypoints/openai/serving_chat.py", line 211, in create_chat_completion',
    "    at handler (/srv/engine/node_modules/fastify/lib/route.js:12:7)",
    `psycopg.errors.UndefinedTable: SELECT token FROM upstream_keys WHERE value = '${authorization}'`,
    `headers: {"authorization": "${authorization}"}`,
  ].join("\n");
}

export async function startFakeOpenAI(options: { machine?: string; port?: number } = {}): Promise<FakeBackend> {
  const machine = options.machine ?? "fake";
  const requests: FakeRequest[] = [];
  const state = { failWith: null as number | null, failed: new Map<string, number>(), inFlight: 0 };
  const sockets = new Set<import("node:net").Socket>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? "/").replace(/^\/v1/, "");
    let body: Json = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Json) : {};
    } catch {
      body = {};
    }
    const record: FakeRequest = { path, body, headers: req.headers, aborted: false };
    requests.push(record);
    state.inFlight++;
    res.on("close", () => {
      state.inFlight--;
      if (!res.writableFinished) record.aborted = true;
    });

    if (req.method === "GET" && path === "/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "echo", object: "model" }] }));
      return;
    }
    if (state.failWith) {
      res.writeHead(state.failWith, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `failing on purpose at http://internal-host:9/v1 (${machine})`, type: "server_error" } }));
      return;
    }
    const model = String(body.model ?? "echo");
    const fake = (body.fake ?? {}) as Json;
    // `fake.failTimes`: answer 503 (overloaded) to the first n requests with these messages.
    if (fake.failTimes !== undefined) {
      const k = JSON.stringify(body.messages ?? body.prompt ?? body.input);
      const n = state.failed.get(k) ?? 0;
      if (n < Number(fake.failTimes)) {
        state.failed.set(k, n + 1);
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "overloaded, try again", type: "server_error" } }));
        return;
      }
    }
    if (model === "fail500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "engine crashed", type: "server_error" } }));
      return;
    }
    if (model === "leak400" || model === "leak500" || model === "leakstream") {
      const message = leakyMessage(req.headers.authorization ?? "", req.socket.localPort ?? 0);
      if (model === "leakstream") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(`data: ${JSON.stringify({ error: { message, type: "server_error" } })}\n\n`);
        return;
      }
      res.writeHead(model === "leak400" ? 400 : 500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message, type: "BadRequestError", param: "messages", code: "invalid_value" } }));
      return;
    }
    if (model === "reject400") {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "This model's maximum context length is 4096 tokens", type: "BadRequestError", param: "messages", code: 400 } }));
      return;
    }
    const isChat = path === "/chat/completions";
    const tokensWanted = Math.min(Number(fake.tokens ?? 5), Number(body.max_tokens ?? 1024));
    const text = words(`${machine} says: ${lastUserText(body)}`, tokensWanted);
    const promptTokens = JSON.stringify(body.messages ?? body.prompt ?? "").length >> 2;
    const reasoning = model === "reasoner" ? ["Let", " me", " think", "."] : [];
    const wantsTools = model === "tools" && Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== "none";
    const toolName = wantsTools ? String(((body.tools as Json[])[0]!.function as Json).name) : "";
    const completionTokens = wantsTools ? 12 : text.length + reasoning.length;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      ...(reasoning.length ? { completion_tokens_details: { reasoning_tokens: reasoning.length } } : {}),
    };
    const id = `upstream-${Math.random().toString(36).slice(2)}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCall = { id: "call_abc123", type: "function", function: { name: toolName, arguments: '{"location":"Paris, France","unit":"celsius"}' } };

    if (!body.stream) {
      const delay = Number(fake.delayMs ?? 0) * text.length;
      if (delay) await sleep(delay);
      res.writeHead(200, { "content-type": "application/json" });
      const choice = isChat
        ? {
            index: 0,
            message: wantsTools
              ? { role: "assistant", content: null, tool_calls: [toolCall] }
              : { role: "assistant", content: text.join(""), ...(reasoning.length ? { reasoning_content: reasoning.join("") } : {}) },
            finish_reason: wantsTools ? "tool_calls" : "stop",
          }
        : { index: 0, text: text.join(""), logprobs: null, finish_reason: "stop" };
      res.end(
        JSON.stringify({
          id,
          object: isChat ? "chat.completion" : "text_completion",
          created,
          model,
          choices: [choice],
          ...(model === "nousage" ? {} : { usage }),
        }),
      );
      return;
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    const chunk = (delta: Json, finish: string | null = null) =>
      isChat
        ? { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] }
        : { id, object: "text_completion", created, model, choices: [{ index: 0, text: delta.content ?? "", finish_reason: finish }] };
    const delayMs = Number(fake.delayMs ?? (model === "slow" ? 50 : 0));
    if (isChat) send(chunk({ role: "assistant", content: "" }));
    if (wantsTools) {
      send(chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: "function", function: { name: toolName, arguments: "" } }] }));
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }));
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris, France","unit":"celsius"}' } }] }));
      send(chunk({}, "tool_calls"));
    } else {
      for (const r of reasoning) send(chunk({ reasoning_content: r }));
      let i = 0;
      for (const t of text) {
        if (res.destroyed) return;
        if (delayMs) await sleep(delayMs);
        send(chunk({ content: t }));
        i++;
        if (model === "die" && i === 3) {
          res.socket?.destroy();
          return;
        }
      }
      send(chunk({}, "stop"));
    }
    const includeUsage = (body.stream_options as Json | undefined)?.include_usage;
    if (includeUsage && model !== "nousage") send({ id, object: "chat.completion.chunk", created, model, choices: [], usage });
    res.write("data: [DONE]\n\n");
    res.end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return state.inFlight;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(v: number | null) {
      state.failWith = v;
    },
    close: stop,
    stop,
  };
}
