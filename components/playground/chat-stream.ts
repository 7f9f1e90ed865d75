import { createParser } from "eventsource-parser";
import { ApiError, CONSOLE_API, apiError, backendOf, networkError } from "./api";

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface MessageStats {
  requestId: string | null;
  backend: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  /** True when the answer was cut before the API reported usage: the figures are counted chunks. */
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  /** Nano-euros, as a decimal string (JSON has no bigint). */
  costNanos: string | null;
  finishReason: string | null;
}

export interface StreamedAnswer {
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
  stats: MessageStats;
  stopped: boolean;
  error: ApiError | null;
}

type Json = Record<string, unknown>;

/**
 * Send a chat completion with stream: true and read its SSE stream,
 * reporting the answer as it grows. Aborting `signal` closes the stream, which
 * the gateway turns into stopping the backend; what arrived until then is kept.
 */
export async function streamChat(body: Json, signal: AbortSignal, onUpdate: (answer: StreamedAnswer) => void): Promise<StreamedAnswer> {
  const started = performance.now();
  const answer: StreamedAnswer = {
    content: "",
    reasoning: "",
    toolCalls: [],
    stopped: false,
    error: null,
    stats: {
      requestId: null,
      backend: null,
      promptTokens: null,
      completionTokens: null,
      reasoningTokens: null,
      estimated: false,
      latencyMs: 0,
      ttftMs: null,
      costNanos: null,
      finishReason: null,
    },
  };
  let chunks = 0;
  const finish = () => {
    answer.stats.latencyMs = Math.round(performance.now() - started);
    if (answer.stats.completionTokens === null && chunks > 0) {
      answer.stats.completionTokens = chunks;
      answer.stats.estimated = true;
    }
    return answer;
  };

  let res: Response;
  try {
    res = await fetch(`${CONSOLE_API}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
      signal,
    });
  } catch (err) {
    if ((err as Error)?.name === "AbortError") {
      answer.stopped = true;
      return finish();
    }
    answer.error = networkError(err);
    return finish();
  }
  answer.stats.requestId = res.headers.get("id");
  answer.stats.backend = backendOf(res.headers);
  if (!res.ok || !res.body) {
    answer.error = await apiError(res);
    return finish();
  }

  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") return;
      let chunk: Json;
      try {
        chunk = JSON.parse(event.data) as Json;
      } catch {
        return;
      }
      if (chunk.error) {
        const e = chunk.error as Json;
        answer.error = new ApiError(String(e.message ?? "The stream failed"), 502, (e.code as string) ?? null, (e.type as string) ?? null);
        return;
      }
      for (const choice of (chunk.choices ?? []) as Json[]) {
        const delta = (choice.delta ?? {}) as Json;
        const reasoning = (delta.reasoning_content ?? delta.reasoning) as string | undefined;
        if (delta.content || reasoning || delta.tool_calls) {
          chunks++;
          answer.stats.ttftMs ??= Math.round(performance.now() - started);
        }
        if (typeof delta.content === "string") answer.content += delta.content;
        if (typeof reasoning === "string") answer.reasoning += reasoning;
        for (const part of (delta.tool_calls ?? []) as Json[]) {
          const index = Number(part.index ?? 0);
          const fn = (part.function ?? {}) as Json;
          const call = (answer.toolCalls[index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
          if (typeof part.id === "string") call.id = part.id;
          if (typeof fn.name === "string") call.function.name += fn.name;
          if (typeof fn.arguments === "string") call.function.arguments += fn.arguments;
        }
        if (choice.finish_reason) answer.stats.finishReason = String(choice.finish_reason);
      }
      const usage = chunk.usage as Json | undefined;
      if (usage) {
        const details = (usage.completion_tokens_details ?? {}) as Json;
        answer.stats.promptTokens = Number(usage.prompt_tokens ?? 0);
        answer.stats.completionTokens = Number(usage.completion_tokens ?? 0);
        answer.stats.reasoningTokens = Number(details.reasoning_tokens ?? usage.reasoning_tokens ?? 0);
      }
    },
  });

  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      answer.stats.latencyMs = Math.round(performance.now() - started);
      onUpdate({ ...answer, toolCalls: answer.toolCalls.map((c) => ({ ...c, function: { ...c.function } })) });
    }
  } catch (err) {
    if ((err as Error)?.name === "AbortError" || signal.aborted) answer.stopped = true;
    else answer.error = networkError(err);
  }
  return finish();
}
