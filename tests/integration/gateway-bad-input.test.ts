import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDriver } from "@/tests/support/databases";
import { startFakeModalities } from "@/tests/support/fake-modalities";
import { startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";
import { toneWav } from "@/tests/support/wav";

/*
 * A sweep of malformed requests over every endpoint: each field of a valid
 * body replaced by values of every wrong type, bodies that are not objects,
 * and pathological JSON. Whatever the input, the gateway answers in the
 * error envelope with a 4xx (or serves the request), never a 500, never a hang.
 */

const VALID: Record<string, Record<string, unknown>> = {
  "/v1/chat/completions": {
    model: "chat",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 5,
    temperature: 0.5,
    top_p: 1,
    n: 1,
    stop: ["x"],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    response_format: { type: "text" },
    stream: false,
    stream_options: { include_usage: true },
    seed: 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    user: "u",
  },
  "/v1/completions": { model: "chat", prompt: "Once", max_tokens: 5, temperature: 0.5, stream: false, echo: false, n: 1, stop: "x" },
  "/v1/embeddings": { model: "embed", input: ["a", "b"], encoding_format: "float", dimensions: 4 },
  "/v1/rerank": { model: "rerank", query: "q", documents: ["a", "b"], top_n: 1, return_documents: true },
  "/v2/rerank": { model: "rerank", query: "q", documents: ["a", { text: "b" }], top_n: 1 },
  "/v1/audio/speech": { model: "tts", input: "hello", voice: "alloy", response_format: "mp3", speed: 1 },
  "/v1/images/generations": { model: "img", prompt: "a cat", n: 1, size: "256x256", response_format: "b64_json" },
};

const WRONG: unknown[] = [null, true, -1, 0, 1.5, 1e308, 12345678901234567890, "", "x", [], [null], [[]], {}, { a: 1 }, "\u0000", "🙂".repeat(100)];

function deeplyNested(depth: number) {
  return "[".repeat(depth) + "]".repeat(depth);
}

describeEachDriver("gateway: malformed input never breaks it", () => {
  let server: TestServer;
  let secret: string;
  let closeAll: () => Promise<void>;

  beforeAll(async () => {
    const chat = await startFakeOpenAI({ machine: "sweep" });
    const media = await startFakeModalities({ flavor: "openai" });
    await registerBackend("sweep-chat", chat.url, [{ id: "chat", upstream: "echo", capabilities: ["chat", "tools", "vision"] }]);
    await registerBackend("sweep-media", media.url, [
      { id: "embed", upstream: "embed-dims", capabilities: ["embeddings"] },
      { id: "rerank", upstream: "rerank", capabilities: ["rerank"] },
      { id: "tts", upstream: "kokoro", capabilities: ["speech"] },
      { id: "img", upstream: "flux", capabilities: ["images"] },
      { id: "whisper", upstream: "whisper", capabilities: ["transcription"] },
    ]);
    server = await startGatewayServer();
    await server.runtime.gateway.options.catalogue.refresh();
    ({ secret } = await createTenant());
    closeAll = async () => {
      await server.close();
      await Promise.all([chat.close(), media.close()]);
    };
  });

  afterAll(() => closeAll());

  async function send(path: string, body: BodyInit, contentType?: string) {
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, ...(contentType ? { "content-type": contentType } : {}) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, text, type: res.headers.get("content-type") ?? "" };
  }

  function expectHandled(what: string, r: { status: number; text: string; type: string }) {
    expect(r.status, `${what} → ${r.status} ${r.text.slice(0, 200)}`).toBeLessThan(500);
    if (r.status < 400) return;
    expect(r.type, what).toContain("application/json");
    const body = JSON.parse(r.text) as { error: Record<string, unknown> };
    expect(typeof body.error.message, what).toBe("string");
    expect(typeof body.error.type, what).toBe("string");
    expect(body.error, what).toHaveProperty("param");
    expect(body.error, what).toHaveProperty("code");
  }

  it("answers every field of every JSON endpoint set to a wrong value in the envelope", async () => {
    for (const [path, valid] of Object.entries(VALID)) {
      // The starting point is a request the endpoint serves.
      const ok = await send(path, JSON.stringify(valid), "application/json");
      expect(ok.status, `${path}: ${ok.text.slice(0, 200)}`).toBe(200);
      const fields = Object.keys(valid);
      const cases: [string, unknown][] = [];
      for (const field of fields) for (const value of WRONG) cases.push([`${path} ${field}=${JSON.stringify(value)?.slice(0, 30)}`, { ...valid, [field]: value }]);
      for (const field of fields) {
        const { [field]: _dropped, ...rest } = valid;
        cases.push([`${path} without ${field}`, rest]);
      }
      // Inner values of the message and document lists.
      if (path === "/v1/chat/completions")
        for (const value of WRONG) {
          cases.push([`${path} messages[0]=${JSON.stringify(value)}`, { ...valid, messages: [value] }]);
          cases.push([`${path} content=${JSON.stringify(value)}`, { ...valid, messages: [{ role: "user", content: value }] }]);
          cases.push([`${path} role=${JSON.stringify(value)}`, { ...valid, messages: [{ role: value, content: "x" }] }]);
          cases.push([`${path} part=${JSON.stringify(value)}`, { ...valid, messages: [{ role: "user", content: [value] }] }]);
          cases.push([`${path} image_url=${JSON.stringify(value)}`, { ...valid, messages: [{ role: "user", content: [{ type: "image_url", image_url: value }] }] }]);
          cases.push([`${path} tool=${JSON.stringify(value)}`, { ...valid, tools: [value] }]);
        }
      if (path.endsWith("/rerank")) for (const value of WRONG) cases.push([`${path} documents=[${JSON.stringify(value)}]`, { ...valid, documents: [value] }]);
      if (path === "/v1/embeddings") for (const value of WRONG) cases.push([`${path} input=[${JSON.stringify(value)}]`, { ...valid, input: [value] }]);
      // Concurrency keeps the sweep short; each answer is checked on its own.
      for (let i = 0; i < cases.length; i += 16) {
        await Promise.all(cases.slice(i, i + 16).map(async ([what, body]) => expectHandled(what, await send(path, JSON.stringify(body), "application/json"))));
      }
    }
  }, 120_000);

  it("answers bodies that are not objects, not JSON, or absurdly nested in the envelope", async () => {
    const bodies = ["", "null", "[]", "1", '"text"', "{", '{"model":', "\u0000", deeplyNested(100_000), `{"model":"chat","messages":${deeplyNested(50_000)}}`, "{}".repeat(10)];
    for (const path of Object.keys(VALID)) {
      for (const body of bodies) expectHandled(`${path} body ${body.slice(0, 20)}`, await send(path, body, "application/json"));
      expectHandled(`${path} as text/plain`, await send(path, JSON.stringify(VALID[path]), "text/plain"));
      expectHandled(`${path} without content type`, await send(path, new Blob([JSON.stringify(VALID[path])])));
    }
  }, 120_000);

  it("answers broken multipart uploads to the transcription endpoint in the envelope", async () => {
    const path = "/v1/audio/transcriptions";
    const wav = new Blob([new Uint8Array(toneWav(1))], { type: "audio/wav" });
    const forms: [string, () => FormData][] = [
      ["no file", () => field({ model: "whisper" })],
      ["no model", () => withFile(field({}), wav)],
      ["file as text", () => field({ model: "whisper", file: "not a file" })],
      ["empty file", () => withFile(field({ model: "whisper" }), new Blob([]))],
      ["garbage file", () => withFile(field({ model: "whisper" }), new Blob([new Uint8Array(5000).fill(7)]))],
      ["bad format", () => withFile(field({ model: "whisper", response_format: "pdf" }), wav)],
      ["bad temperature", () => withFile(field({ model: "whisper", temperature: "hot" }), wav)],
      ["bad task", () => withFile(field({ model: "whisper", task: "summarise" }), wav)],
      ["chat model", () => withFile(field({ model: "chat" }), wav)],
      ["unknown model", () => withFile(field({ model: "nope" }), wav)],
    ];
    for (const [what, make] of forms) expectHandled(what, await send(path, make()));
    expectHandled("json body", await send(path, JSON.stringify({ model: "whisper" }), "application/json"));
    expectHandled("truncated multipart", await send(path, "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper\r\n--b", "multipart/form-data; boundary=b"));
    expectHandled("multipart without boundary", await send(path, "x", "multipart/form-data"));
  }, 60_000);

  it("still serves a valid request after the sweep", async () => {
    const r = await send("/v1/chat/completions", JSON.stringify({ model: "chat", messages: [{ role: "user", content: "still here?" }] }), "application/json");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).choices[0].message.content).toContain("sweep says: still");
  });
});

function field(values: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(values)) form.append(k, v);
  return form;
}

function withFile(form: FormData, blob: Blob) {
  form.append("file", blob, "audio.wav");
  return form;
}
