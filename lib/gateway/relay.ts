import { createParser } from "eventsource-parser";
import type { Dispatched } from "../backends/router";
import { AppError } from "../errors";
import { bindLogScope, errorFields, log } from "../log";
import { redactSecrets, upstreamFailure } from "./scrub";
import type { RequestContext } from "./context";
import { backendInfo } from "./pipeline";

type Json = Record<string, unknown>;

/**
 * Map an upstream error answer to the gateway's own error (see scrub.ts); the
 * full body goes to the log, secrets redacted.
 */
export async function upstreamError(d: Pick<Dispatched, "response" | "target">): Promise<AppError> {
  const text = await readCapped(d.response, 64 * 1024);
  const secrets = [d.target.backend.apiKey];
  log.warn("backend answered an error", {
    backend: d.target.backend.name,
    status: d.response.status,
    body: redactSecrets(text, secrets).slice(0, 8000),
  });
  return upstreamFailure(d.response.status, text, secrets);
}

/** At most `limit` bytes of a body as text: an error body is read for the log, not kept whole. */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // what arrived is enough
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** Usage as the reference shows it, from whatever the engine reported. */
export function readUsage(raw: unknown): { prompt: number; completion: number; reasoning: number } | null {
  if (!raw || typeof raw !== "object") return null;
  const u = raw as Json;
  const details = (u.completion_tokens_details ?? {}) as Json;
  return {
    prompt: Number(u.prompt_tokens ?? 0) || 0,
    completion: Number(u.completion_tokens ?? 0) || 0,
    reasoning: Number(details.reasoning_tokens ?? u.reasoning_tokens ?? 0) || 0,
  };
}

export function referenceUsage(u: { prompt: number; completion: number; reasoning: number }, raw?: unknown) {
  const extra = raw && typeof raw === "object" ? (raw as Json) : {};
  return {
    ...extra,
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    reasoning_tokens: u.reasoning,
    total_tokens: u.prompt + u.completion,
  };
}

/** Rough token count for text when the engine reports none: about four characters a token. */
export const estimateTokens = (chars: number) => Math.ceil(chars / 4);

/**
 * A non-streamed answer: the gateway's id, the public model name, the backend
 * and reference usage, then the response.
 */
export async function relayJson(
  ctx: RequestContext,
  d: Dispatched,
  publicModel: string,
  estimate: { promptChars: number },
): Promise<Response> {
  try {
    if (d.response.status >= 400) throw await upstreamError(d);
    let body: Json;
    try {
      body = (await d.response.json()) as Json;
    } catch {
      throw new AppError(502, "server_error", "The model's backend sent an answer that is not JSON", null, "upstream_invalid");
    }
    let usage = readUsage(body.usage);
    if (!usage) {
      const text = JSON.stringify(body.choices ?? "");
      usage = { prompt: estimateTokens(estimate.promptChars), completion: estimateTokens(text.length), reasoning: 0 };
      ctx.usage.estimated = true;
    }
    ctx.usage.promptTokens = usage.prompt;
    ctx.usage.completionTokens = usage.completion;
    ctx.usage.reasoningTokens = usage.reasoning;
    ctx.firstToken();
    const out = { ...body, id: ctx.requestId, model: publicModel, backend: backendInfo(d.target), usage: referenceUsage(usage, body.usage) };
    return new Response(JSON.stringify(out), { status: 200, headers: { "content-type": "application/json" } });
  } finally {
    d.release();
  }
}

const encoder = new TextEncoder();
const frame = (data: string) => encoder.encode(`data: ${data}\n\n`);

/**
 * Relay an SSE stream chunk by chunk as it arrives. Captures usage (the
 * gateway always asks for it) and strips it when the client did not; ends the
 * client's stream with an error event if the backend dies; aborts the backend
 * call when the client goes away. Usage is recorded when the stream ends,
 * however it ends.
 */
export function relayStream(
  ctx: RequestContext,
  d: Dispatched,
  options: { publicModel: string; upstreamModel: string; clientWantsUsage: boolean; promptChars: number; upstream: AbortController },
): Response {
  ctx.streamed = true;
  const reader = d.response.body!.getReader();
  const decoder = new TextDecoder();
  let upstreamId: string | null = null;
  let usageSeen = false;
  let done = false;
  let finishSeen = false;
  let deltaChunks = 0;
  let ended = false;
  const pending: Uint8Array[] = [];

  const rewrite = (data: string) => {
    let out = data;
    if (upstreamId) out = out.split(`"id":"${upstreamId}"`).join(`"id":"${ctx.requestId}"`);
    if (options.upstreamModel !== options.publicModel) {
      out = out.split(`"model":${JSON.stringify(options.upstreamModel)}`).join(`"model":${JSON.stringify(options.publicModel)}`);
    }
    return out;
  };

  const parser = createParser({
    onEvent(event) {
      const data = event.data;
      if (data === "[DONE]") {
        done = true;
        return;
      }
      let chunk: Json;
      try {
        chunk = JSON.parse(data) as Json;
      } catch {
        return; // not JSON (a comment or keep-alive): nothing to relay
      }
      if (chunk.error) {
        const secrets = [d.target.backend.apiKey];
        log.warn("backend failed in the middle of a stream", {
          requestId: ctx.requestId,
          backend: d.target.backend.name,
          body: redactSecrets(data, secrets).slice(0, 8000),
        });
        const err = upstreamFailure(502, data, secrets);
        pending.push(frame(JSON.stringify(err.toJSON())));
        ended = true;
        return;
      }
      if (upstreamId === null && typeof chunk.id === "string") upstreamId = chunk.id;
      const choices = (chunk.choices ?? []) as Json[];
      for (const c of choices) {
        const delta = (c.delta ?? {}) as Json;
        if (delta.content || delta.reasoning_content || delta.reasoning || delta.tool_calls || c.text) {
          deltaChunks++;
          ctx.liveCompletionTokens = deltaChunks;
          ctx.firstToken();
        }
        if (c.finish_reason) finishSeen = true;
      }
      const usage = readUsage(chunk.usage);
      if (usage) {
        usageSeen = true;
        ctx.usage.promptTokens = usage.prompt;
        ctx.usage.completionTokens = usage.completion;
        ctx.usage.reasoningTokens = usage.reasoning;
        if (choices.length === 0 && !options.clientWantsUsage) return;
        const out: Json = { ...chunk, id: ctx.requestId, model: options.publicModel };
        if (options.clientWantsUsage) out.usage = referenceUsage(usage, chunk.usage);
        else delete out.usage;
        pending.push(frame(JSON.stringify(out)));
        return;
      }
      pending.push(frame(rewrite(data)));
    },
  });

  const settleUsage = () => {
    if (!usageSeen) {
      // No usage from the engine (cut short or not reported): count what was delivered.
      ctx.usage.promptTokens = estimateTokens(options.promptChars);
      ctx.usage.completionTokens = deltaChunks;
      ctx.usage.estimated = true;
    }
  };

  let finished = false;
  const finish = async (status: number, code: string | null) => {
    if (finished) return;
    finished = true;
    d.release();
    settleUsage();
    await ctx.finish(status, code).catch((err) => log.error("recording a stream failed", errorFields(err)));
  };

  const stream = new ReadableStream<Uint8Array>({
    pull: bindLogScope(async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      try {
        while (pending.length === 0 && !done && !ended) {
          const { value, done: eof } = await reader.read();
          if (eof) {
            if (!done && !finishSeen) throw new Error("stream ended early");
            done = true;
            break;
          }
          parser.feed(decoder.decode(value, { stream: true }));
        }
        while (pending.length > 0) controller.enqueue(pending.shift()!);
        // Settled before the stream closes, as a non-streamed answer is: a client that saw the end
        // of its stream was billed, even if this instance dies the next moment.
        if (ended) {
          await reader.cancel().catch(() => {});
          await finish(502, "upstream_error");
          controller.close();
        } else if (done) {
          controller.enqueue(frame("[DONE]"));
          await reader.cancel().catch(() => {});
          await finish(200, null);
          controller.close();
        }
      } catch {
        if (ctx.request.signal.aborted || options.upstream.signal.aborted) return;
        const err = new AppError(502, "server_error", "The model's backend stopped responding in the middle of the answer", null, "upstream_disconnected");
        while (pending.length > 0) controller.enqueue(pending.shift()!);
        controller.enqueue(frame(JSON.stringify(err.toJSON())));
        controller.close();
        await finish(502, "upstream_disconnected");
      }
    }),
    cancel: bindLogScope(async () => {
      // The client went away: stop the backend at once and bill what was generated.
      ctx.clientAborted = true;
      options.upstream.abort();
      await reader.cancel().catch(() => {});
      await finish(499, "client_closed_request");
    }),
  });

  ctx.request.signal.addEventListener(
    "abort",
    () => {
      if (finished) return;
      ctx.clientAborted = true;
      options.upstream.abort();
      void reader.cancel().catch(() => {});
      void finish(499, "client_closed_request");
    },
    { once: true },
  );

  return new Response(stream, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
