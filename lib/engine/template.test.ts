import { describe, expect, it } from "vitest";
import { contentText, fallbackChatPrompt, toChatTurns } from "./template";

describe("toChatTurns", () => {
  it("maps OpenAI roles to three", () => {
    expect(
      toChatTurns([
        { role: "developer", content: "Be brief." },
        { role: "system", content: "Answer in French." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Bonjour" },
      ]),
    ).toEqual([
      { role: "system", text: "Be brief." },
      { role: "system", text: "Answer in French." },
      { role: "user", text: "Hi" },
      { role: "assistant", text: "Bonjour" },
    ]);
  });

  it("keeps the text parts of array content and drops images", () => {
    const content = [
      { type: "text", text: "What is" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      { type: "text", text: "this?" },
    ];
    expect(contentText(content)).toBe("What is\nthis?");
    expect(contentText(null)).toBe("");
  });

  it("turns a tool result into a user turn that says what it is", () => {
    expect(toChatTurns([{ role: "tool", tool_call_id: "call_1", content: '{"t":22}' }])).toEqual([
      { role: "user", text: 'Tool result (call_1):\n{"t":22}' },
    ]);
  });

  it("reads an assistant message without content as empty", () => {
    expect(toChatTurns([{ role: "assistant", content: null, tool_calls: [] }])).toEqual([{ role: "assistant", text: "" }]);
  });
});

describe("fallbackChatPrompt", () => {
  it("writes a transcript that ends on the assistant's turn", () => {
    const { prompt, stops } = fallbackChatPrompt([
      { role: "system", text: "You tell stories." },
      { role: "user", text: "Once upon a time?" },
      { role: "assistant", text: "There was a cat." },
      { role: "user", text: " And then? " },
    ]);
    expect(prompt).toBe("You tell stories.\n\nUser: Once upon a time?\nAssistant: There was a cat.\nUser: And then?\nAssistant:");
    expect(stops).toEqual(["\nUser:", "\nAssistant:"]);
  });

  it("gathers system messages at the top wherever they were", () => {
    const { prompt } = fallbackChatPrompt([
      { role: "user", text: "Hi" },
      { role: "system", text: "Rule one." },
      { role: "system", text: "   " },
      { role: "system", text: "Rule two." },
    ]);
    expect(prompt).toBe("Rule one.\n\nRule two.\n\nUser: Hi\nAssistant:");
  });

  it("has no system block without a system message", () => {
    expect(fallbackChatPrompt([{ role: "user", text: "Hi" }]).prompt).toBe("User: Hi\nAssistant:");
  });

  it("continues a last assistant message instead of answering it", () => {
    const { prompt } = fallbackChatPrompt([
      { role: "user", text: "Count to three" },
      { role: "assistant", text: "One, two," },
    ]);
    expect(prompt).toBe("User: Count to three\nAssistant: One, two,");
  });
});
