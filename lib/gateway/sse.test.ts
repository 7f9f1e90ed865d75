import { describe, expect, it } from "vitest";
import type { Dispatched } from "../backends/router";
import { RequestContext } from "./context";
import { relayStream } from "./sse";
import { toResponse } from "./wire";

const encoder = new TextEncoder();
const event = (data: unknown) => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
const chunk = (content: string, finish: string | null = null) => ({
  id: "upstream-1",
  object: "chat.completion.chunk",
  model: "engine-model",
  choices: [{ index: 0, delta: content ? { content } : {}, finish_reason: finish }],
});
const usage = { id: "upstream-1", model: "engine-model", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } };

/** A stream relayed from a backend that sends `parts` (each one network read), then stops (or stays open). */
function relay(parts: string[], options: { clientWantsUsage?: boolean; hang?: boolean } = {}) {
  const ends: { status: number; code: string | null }[] = [];
  let released = 0;
  const request = new Request("http://gateway.test/v1/chat/completions", { method: "POST", signal: new AbortController().signal });
  const ctx = new RequestContext(request, "chatcmpl-ours", "chat.completions", async (_c, status, code) => void ends.push({ status, code }));
  let i = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]!));
      else if (!options.hang) controller.close();
      else return new Promise(() => {});
    },
  });
  const d = {
    response: new Response(source),
    target: { backend: { id: "b", name: "b", engine: "openai", baseUrl: "http://b", apiKey: "sk-secret-of-the-backend", machineName: "m", enabled: true, timeoutMs: 1000 }, upstreamId: "engine-model" },
    release: () => void released++,
  } as unknown as Dispatched;
  const upstream = new AbortController();
  const response = toResponse(relayStream(ctx, d, { publicModel: "public", clientWantsUsage: options.clientWantsUsage ?? false, promptTokens: 7 }, upstream));
  return { response, ctx, ends, upstream, released: () => released };
}

const frames = (text: string) => text.split("\n\n").filter(Boolean);

describe("stream relay", () => {
  it("rewrites ids and the model name, strips the usage it asked for, and ends with [DONE] once settled", async () => {
    const r = relay([event(chunk("Hel")) + event(chunk("lo")), event(chunk("", "stop")) + event(usage) + event("[DONE]")]);
    const text = await r.response.text();
    const out = frames(text);
    expect(out.at(-1)).toBe("data: [DONE]");
    expect(out).toHaveLength(4);
    expect(text).not.toContain("upstream-1");
    expect(text).not.toContain("engine-model");
    expect(text).not.toContain("usage");
    expect(JSON.parse(out[0]!.slice(6))).toMatchObject({ id: "chatcmpl-ours", model: "public", choices: [{ delta: { content: "Hel" } }] });
    expect(r.ends).toEqual([{ status: 200, code: null }]);
    expect(r.ctx.usage).toMatchObject({ promptTokens: 3, completionTokens: 2, estimated: false });
    expect(r.released()).toBe(1);
  });

  it("passes usage on in the reference's shape when the client asked for it", async () => {
    const r = relay([event(chunk("a", "stop")) + event(usage) + event("[DONE]")], { clientWantsUsage: true });
    const out = frames(await r.response.text());
    expect(JSON.parse(out.at(-2)!.slice(6))).toMatchObject({ id: "chatcmpl-ours", model: "public", usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
  });

  it("sends the events of one network read as one chunk", async () => {
    const r = relay([event(chunk("a")) + event(chunk("b")) + event(chunk("c", "stop")), event("[DONE]")]);
    const reader = r.response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(frames(first)).toHaveLength(3);
  });

  it("ends a backend's error event with the gateway's own error, scrubbed, and bills what passed", async () => {
    const r = relay([event(chunk("a")) + event({ error: { message: "CUDA out of memory at /opt/engine/run.py:12 key sk-secret-of-the-backend" } }) + event(chunk("never"))]);
    const text = await r.response.text();
    expect(text).not.toContain("never");
    expect(text).not.toContain("sk-secret");
    expect(text).not.toContain("/opt/engine");
    expect(JSON.parse(frames(text).at(-1)!.slice(6)).error.type).toBe("server_error");
    expect(r.ends).toEqual([{ status: 502, code: "upstream_error" }]);
    expect(r.ctx.usage).toMatchObject({ promptTokens: 7, completionTokens: 1, estimated: true });
  });

  it("ends a stream the backend cut with an error event", async () => {
    const r = relay([event(chunk("a")) + event(chunk("b"))]);
    const out = frames(await r.response.text());
    expect(JSON.parse(out.at(-1)!.slice(6)).error.code).toBe("upstream_disconnected");
    expect(r.ends).toEqual([{ status: 502, code: "upstream_disconnected" }]);
    expect(r.ctx.usage.completionTokens).toBe(2);
  });

  it("ends once, as the client's, when the client leaves; the backend is stopped", async () => {
    const r = relay([event(chunk("a")) + event(chunk("b"))], { hang: true });
    const reader = r.response.body!.getReader();
    await reader.read();
    await reader.cancel();
    r.upstream.abort();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(r.ends).toEqual([{ status: 499, code: "client_closed_request" }]);
    expect(r.ctx.clientAborted).toBe(true);
    expect(r.upstream.signal.aborted).toBe(true);
    expect(r.ctx.usage).toMatchObject({ completionTokens: 2, estimated: true });
    expect(r.released()).toBe(1);
  });
});
