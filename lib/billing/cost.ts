import type { UsageCounts } from "../gateway/context";
import type { PriceTable, PriceUnit } from "./prices";

export type Quantities = Partial<Record<PriceUnit, bigint>>;

/**
 * What a request is billed for, by unit. Output tokens exclude reasoning
 * tokens (engines count reasoning inside completion_tokens, as OpenAI does),
 * which are billed as reasoning. Audio is billed per started minute.
 * A batch line's tokens are billed in the batch units instead: its input
 * as batch input, its output and reasoning as batch output.
 */
export function billableQuantities(
  usage: Pick<UsageCounts, "promptTokens" | "completionTokens" | "reasoningTokens" | "units">,
  options: { batch?: boolean } = {},
): Quantities {
  if (options.batch) {
    const q: Quantities = {};
    if (usage.promptTokens) q.batch_input_token = BigInt(usage.promptTokens);
    if (usage.completionTokens) q.batch_output_token = BigInt(usage.completionTokens);
    return q;
  }
  const q: Quantities = {};
  const reasoning = Math.min(usage.reasoningTokens, usage.completionTokens);
  if (usage.units.rerank_tokens !== undefined) q.rerank_token = BigInt(usage.units.rerank_tokens);
  else if (usage.promptTokens) q.input_token = BigInt(usage.promptTokens);
  if (usage.completionTokens - reasoning > 0) q.output_token = BigInt(usage.completionTokens - reasoning);
  if (reasoning > 0) q.reasoning_token = BigInt(reasoning);
  if (usage.units.audio_seconds) q.audio_minute = BigInt(Math.ceil(usage.units.audio_seconds / 60));
  if (usage.units.characters) q.speech_character = BigInt(usage.units.characters);
  if (usage.units.images) q.image = BigInt(usage.units.images);
  return q;
}

export function costOf(quantities: Quantities, prices: PriceTable): bigint {
  let total = 0n;
  for (const [unit, n] of Object.entries(quantities) as [PriceUnit, bigint][]) total += n * prices[unit];
  return total;
}

export const pricesToJson = (t: PriceTable) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.toString()]));
export const pricesFromJson = (j: Record<string, string>) => Object.fromEntries(Object.entries(j).map(([k, v]) => [k, BigInt(v)])) as PriceTable;
