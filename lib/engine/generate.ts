import type { LLamaContextualRepeatPenalty, LlamaGrammar } from "node-llama-cpp";
import type { Prompt } from "./loaded-model";
import { loadBindings } from "./llama";
import { EngineError, type Lease } from "./manager";
import { StopMatcher } from "./stops";

export interface Sampling {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop: string[];
  /** Constrains the answer, e.g. to JSON. */
  grammar?: LlamaGrammar;
}

export interface Generation {
  text: string;
  finishReason: "stop" | "length";
  /** Every token the model produced, stop sequences and end-of-text token included. */
  completionTokens: number;
  aborted: boolean;
}

/** OpenAI's wording and code, so clients that look for them recognise the error. */
export function contextExceeded(contextSize: number, promptTokens: number): EngineError {
  return new EngineError(
    400,
    `This model's maximum context length is ${contextSize} tokens. However, your prompt resulted in ${promptTokens} tokens, which leaves no room for an answer. Please reduce the length of the prompt.`,
    "context_length_exceeded",
    "messages",
  );
}

/**
 * Generate one answer on a lease's sequence. The answer stops at max tokens,
 * at the end of the context (both "length"), at a stop sequence or the model's
 * end of text ("stop"), or as soon as `signal` fires: no token is computed
 * after that, so the slot is free again within one token's time.
 */
export async function generate(
  lease: Lease,
  prompt: Prompt,
  sampling: Sampling,
  signal: AbortSignal,
  onText?: (text: string) => void,
): Promise<Generation> {
  const room = lease.model.contextSize - prompt.count;
  if (room < 1) throw contextExceeded(lease.model.contextSize, prompt.count);
  if (signal.aborted) return { text: "", finishReason: "stop", completionTokens: 0, aborted: true };

  const { LlamaCompletion } = await loadBindings();
  const sequence = lease.sequence();
  const before = sequence.tokenMeter.usedOutputTokens;
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const stops = new StopMatcher([...sampling.stop, ...prompt.stops.filter((s): s is string => typeof s === "string")]);
  // Ends generation at a stop sequence, or when the caller's signal fires.
  const halt = new AbortController();
  const onAbort = () => halt.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  let text = "";
  let started = !prompt.trimLeadingSpace;
  const show = (chunk: string) => {
    const part = started ? chunk : chunk.trimStart();
    if (!part) return;
    started = true;
    text += part;
    onText?.(part);
  };
  const maxTokens = Math.min(sampling.maxTokens, room);
  const penalize = Boolean(sampling.presencePenalty || sampling.frequencyPenalty);
  try {
    const { metadata } = await completion.generateCompletionWithMeta(prompt.tokens, {
      maxTokens,
      temperature: sampling.temperature,
      topP: sampling.topP,
      seed: sampling.seed,
      grammar: sampling.grammar,
      // OpenAI's penalties only when asked: llama.cpp's own repeat penalty would change answers nobody asked to change.
      repeatPenalty: penalize
        ? ({ penalty: 1, presencePenalty: sampling.presencePenalty, frequencyPenalty: sampling.frequencyPenalty } satisfies LLamaContextualRepeatPenalty)
        : false,
      // Template stops made of special tokens are matched on tokens; text stops by the matcher.
      customStopTriggers: prompt.stops.filter((s) => typeof s !== "string"),
      // An answer ends where the context ends, as vLLM's does, instead of forgetting the start of the prompt.
      disableContextShift: true,
      contextShiftSize: 0,
      signal: halt.signal,
      stopOnAbortSignal: true,
      onTextChunk: (chunk) => {
        show(stops.push(chunk));
        if (stops.stopped) halt.abort();
      },
    });
    show(stops.flush());
    return {
      text,
      finishReason: metadata.stopReason === "maxTokens" && !stops.stopped ? "length" : "stop",
      // The meter counts the logits computed; under load it was once seen one above the tokens sampled.
      completionTokens: Math.min(sequence.tokenMeter.usedOutputTokens - before, maxTokens),
      aborted: signal.aborted,
    };
  } finally {
    signal.removeEventListener("abort", onAbort);
    completion.dispose({ disposeSequence: false });
  }
}
