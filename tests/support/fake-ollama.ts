import http from "node:http";
import { listenOnLoopback } from "./listen";

/** An Ollama-shaped server (/api/chat, /api/generate, /api/embed, /api/tags) for adapter tests. */
export async function startFakeOllama() {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    requests.push({ path: req.url ?? "/", body });
    const line = (o: unknown) => res.write(JSON.stringify(o) + "\n");
    if (req.url === "/api/tags") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ models: [{ name: "llama3.2:1b" }] }));
      return;
    }
    if (body.model === "missing") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "model 'missing' not found, try pulling it first" }));
      return;
    }
    if (req.url === "/api/embed") {
      const input = Array.isArray(body.input) ? body.input : [body.input];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ model: body.model, embeddings: input.map((_, i) => [i, 0.5, -0.5]), prompt_eval_count: 7 }));
      return;
    }
    const tools = Array.isArray(body.tools) && body.tools.length > 0;
    const words = ["Bonjour", " from", " Ollama"];
    const done = { done: true, done_reason: "stop", prompt_eval_count: 11, eval_count: tools ? 9 : words.length };
    if (req.url === "/api/chat") {
      const call = { function: { name: "get_weather", arguments: { city: "Paris" } } };
      if (!body.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            model: body.model,
            message: tools ? { role: "assistant", content: "", tool_calls: [call] } : { role: "assistant", content: words.join(""), thinking: "hmm" },
            ...done,
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      if (tools) line({ model: body.model, message: { role: "assistant", content: "", tool_calls: [call] }, done: false });
      else for (const w of words) line({ model: body.model, message: { role: "assistant", content: w }, done: false });
      line({ model: body.model, message: { role: "assistant", content: "" }, ...done });
      res.end();
      return;
    }
    if (req.url === "/api/generate") {
      if (!body.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ model: body.model, response: words.join(""), ...done }));
        return;
      }
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (const w of words) line({ model: body.model, response: w, done: false });
      line({ model: body.model, response: "", ...done });
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
