import { describe, expect, it } from "vitest";
import { billableQuantities, costOf } from "./cost";
import type { PriceTable } from "./prices";

const REFERENCE: PriceTable = {
  input_token: 1800n,
  output_token: 8000n,
  reasoning_token: 8000n,
  rerank_token: 4000n,
  batch_input_token: 900n,
  batch_output_token: 4000n,
  audio_minute: 10_000_000n,
  speech_character: 15_000n,
  image: 40_000_000n,
};

describe("cost", () => {
  it("bills chat by input, output and reasoning tokens at the reference prices", () => {
    const q = billableQuantities({ promptTokens: 1_000_000, completionTokens: 1_000_000, reasoningTokens: 250_000, units: {} });
    expect(q).toEqual({ input_token: 1_000_000n, output_token: 750_000n, reasoning_token: 250_000n });
    // 1.8 € + 6 € + 2 € = 9.8 €
    expect(costOf(q, REFERENCE)).toBe(9_800_000_000n);
  });

  it("bills audio per started minute", () => {
    expect(costOf(billableQuantities({ promptTokens: 0, completionTokens: 0, reasoningTokens: 0, units: { audio_seconds: 61 } }), REFERENCE)).toBe(20_000_000n);
    expect(costOf(billableQuantities({ promptTokens: 0, completionTokens: 0, reasoningTokens: 0, units: { audio_seconds: 1 } }), REFERENCE)).toBe(10_000_000n);
  });

  it("bills reranking by reranked tokens instead of input tokens", () => {
    const q = billableQuantities({ promptTokens: 300, completionTokens: 0, reasoningTokens: 0, units: { rerank_tokens: 300, search_units: 1 } });
    expect(q).toEqual({ rerank_token: 300n });
    expect(costOf(q, REFERENCE)).toBe(1_200_000n);
  });

  it("is exact for a single token", () => {
    expect(costOf({ input_token: 1n }, REFERENCE)).toBe(1800n);
  });
});
