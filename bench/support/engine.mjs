#!/usr/bin/env node
/*
 * A fast OpenAI-compatible engine for the gateway benchmark: it answers chat
 * completions at once with `max_tokens` words (16 by default), as one JSON
 * body or as an SSE stream of one chunk per token with a usage chunk at the
 * end, so what the benchmark measures is the gateway, not the engine.
 * Plain JavaScript, no loader: `node bench/support/engine.mjs PORT`.
 */
import http from "node:http";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const server = http.createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"object":"list","data":[{"id":"echo","object":"model","owned_by":"bench"}]}');
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
      return;
    }
    const n = Math.max(1, Math.min(Number(body.max_tokens ?? 16), 4096));
    const model = String(body.model ?? "echo");
    const created = Math.floor(Date.now() / 1000);
    const id = `bench-${created}-${Math.random().toString(36).slice(2, 10)}`;
    const usage = { prompt_tokens: 8, completion_tokens: n, total_tokens: 8 + n };
    if (!body.stream) {
      const text = "word ".repeat(n).trimEnd();
      const answer = JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "length" }],
        usage,
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const chunk = (delta, finish) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    // One write per event, as an engine sends tokens as they come.
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (let i = 0; i < n; i++) res.write(chunk({ content: i === 0 ? "word" : " word" }, null));
    res.write(chunk({}, "length"));
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const a = server.address();
  process.stdout.write(`engine listening on ${typeof a === "object" && a ? a.port : port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
