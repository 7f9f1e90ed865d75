import type { ConsoleModel } from "@/lib/console/catalogue";
import type { BilledUsage } from "./billed";
import type { StreamedAnswer } from "./chat-stream";
import type { ChatMessage } from "./chat-types";
import { costNanos } from "./cost";

/**
 * An answer as a message, with its cost. When the answer was stopped before
 * the API reported usage, tokens are estimated the way the gateway estimates
 * them (about four characters a token), so the cost is marked approximate.
 */
export function answerMessage(id: string, model: ConsoleModel | undefined, answer: StreamedAnswer, requestChars: number): ChatMessage {
  const stats = { ...answer.stats };
  if (stats.completionTokens !== null) {
    if (stats.promptTokens === null) {
      stats.promptTokens = Math.ceil(requestChars / 4);
      stats.estimated = true;
    }
    if (model) {
      const nanos = costNanos(
        { promptTokens: stats.promptTokens, completionTokens: stats.completionTokens, reasoningTokens: stats.reasoningTokens ?? 0 },
        model.prices,
      );
      stats.costNanos = nanos.toString();
    }
  }
  return {
    id,
    role: "assistant",
    content: answer.content,
    reasoning: answer.reasoning || undefined,
    toolCalls: answer.toolCalls.length ? answer.toolCalls : undefined,
    model: model?.id,
    stats,
    stopped: answer.stopped || undefined,
    error: answer.error ? { message: answer.error.message, hint: answer.error.hint, code: answer.error.code } : undefined,
  };
}

/** The message with the figures the gateway recorded and billed, which replace the ones counted in the browser. */
export function withBilled(message: ChatMessage, billed: BilledUsage | null): ChatMessage {
  if (!billed || !message.stats) return message;
  return {
    ...message,
    stats: {
      ...message.stats,
      promptTokens: billed.prompt_tokens,
      completionTokens: billed.completion_tokens,
      reasoningTokens: billed.reasoning_tokens,
      costNanos: billed.cost_nanos,
      estimated: billed.estimated,
    },
  };
}
