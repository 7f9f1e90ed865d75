import type { Capability } from "@/lib/models/capabilities";
import type { PriceUnit } from "@/lib/billing/prices";
import { formatMoney } from "@/lib/format";

export interface PriceLine {
  unit: PriceUnit;
  label: string;
  value: string;
}

/** Units billed for each capability, with how a price list words them. */
const UNITS: Record<Capability, { unit: PriceUnit; label: string; per: "million" | "each" }[]> = {
  chat: [
    { unit: "input_token", label: "Input", per: "million" },
    { unit: "output_token", label: "Output", per: "million" },
    { unit: "reasoning_token", label: "Reasoning", per: "million" },
  ],
  vision: [],
  tools: [],
  embeddings: [{ unit: "input_token", label: "Input", per: "million" }],
  rerank: [{ unit: "rerank_token", label: "Rerank", per: "million" }],
  transcription: [{ unit: "audio_minute", label: "Audio", per: "each" }],
  speech: [{ unit: "speech_character", label: "Characters", per: "million" }],
  images: [{ unit: "image", label: "Image", per: "each" }],
};

const SUFFIX: Partial<Record<PriceUnit, string>> = {
  input_token: "/ M tokens",
  output_token: "/ M tokens",
  reasoning_token: "/ M tokens",
  rerank_token: "/ M tokens",
  audio_minute: "/ started minute",
  speech_character: "/ M characters",
  image: "/ image",
};

/** The prices a model is billed at, for the units its capabilities use, each once. */
export function priceLines(capabilities: Capability[], prices: Record<PriceUnit, string>): PriceLine[] {
  const lines: PriceLine[] = [];
  for (const c of capabilities) {
    for (const u of UNITS[c]) {
      if (lines.some((l) => l.unit === u.unit)) continue;
      const nanos = BigInt(prices[u.unit]);
      if (u.unit === "reasoning_token" && nanos === BigInt(prices.output_token)) continue;
      lines.push({ unit: u.unit, label: u.label, value: `${formatMoney(u.per === "million" ? nanos * 1_000_000n : nanos, { exact: true })} ${SUFFIX[u.unit]}` });
    }
  }
  return lines;
}
