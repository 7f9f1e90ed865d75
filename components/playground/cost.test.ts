import { describe, expect, it } from "vitest";
import { priceLines } from "@/components/catalogue/prices";
import { costNanos } from "./cost";

const prices = {
  input_token: "1800",
  output_token: "8000",
  reasoning_token: "8000",
  rerank_token: "4000",
  batch_input_token: "900",
  batch_output_token: "4000",
  audio_minute: "10000000",
  speech_character: "15000",
  image: "40000000",
};

describe("cost of a message", () => {
  it("bills reasoning inside the output tokens as reasoning, like the ledger", () => {
    expect(costNanos({ promptTokens: 100, completionTokens: 50, reasoningTokens: 10 }, prices)).toBe(100n * 1800n + 40n * 8000n + 10n * 8000n);
  });

});

describe("price lines of the catalogue", () => {
  it("names the units each capability is billed in, once each", () => {
    expect(priceLines(["chat", "vision", "tools"], prices).map((l) => l.value)).toEqual(["1.80 € / M tokens", "8.00 € / M tokens"]);
    expect(priceLines(["transcription"], prices)).toEqual([{ unit: "audio_minute", label: "Audio", value: "0.01 € / started minute" }]);
    expect(priceLines(["embeddings", "chat"], prices).map((l) => l.unit)).toEqual(["input_token", "output_token"]);
  });
});
