import type { PriceUnit } from "./prices";

/**
 * How a price list words each unit: the measure a person types a price in
 * (euros per million tokens, per started minute…) and how many units that
 * measure holds. Prices are stored per single unit, in whole nano-euros.
 */
export const PRICE_UNIT_INFO: Record<PriceUnit, { label: string; per: string; scale: bigint }> = {
  input_token: { label: "Input tokens", per: "million tokens", scale: 1_000_000n },
  output_token: { label: "Output tokens", per: "million tokens", scale: 1_000_000n },
  reasoning_token: { label: "Reasoning tokens", per: "million tokens", scale: 1_000_000n },
  rerank_token: { label: "Rerank tokens", per: "million tokens", scale: 1_000_000n },
  batch_input_token: { label: "Batch input tokens", per: "million tokens", scale: 1_000_000n },
  batch_output_token: { label: "Batch output tokens", per: "million tokens", scale: 1_000_000n },
  audio_minute: { label: "Audio", per: "started minute", scale: 1n },
  speech_character: { label: "Speech", per: "million characters", scale: 1_000_000n },
  image: { label: "Images", per: "image", scale: 1n },
};

export const PRICE_UNIT_LIST = Object.keys(PRICE_UNIT_INFO) as PriceUnit[];

/** A unit's price in its measure, e.g. 8000 n€ per output token → 8 000 000 000 n€ per million. */
export const perMeasure = (unit: PriceUnit, nanosPerUnit: bigint) => nanosPerUnit * PRICE_UNIT_INFO[unit].scale;
