import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, chatRequest, paramsBody, parseTools, wireMessage } from "./chat-types";

describe("parseTools", () => {
  it("accepts bare functions and wrapped ones alike", () => {
    const { tools, error } = parseTools('[{"name": "a"}, {"type": "function", "function": {"name": "b"}}]');
    expect(error).toBeNull();
    expect(tools).toEqual([
      { type: "function", function: { name: "a" } },
      { type: "function", function: { name: "b" } },
    ]);
  });

  it("says what is wrong", () => {
    expect(parseTools("[{").error).toMatch(/^Not valid JSON/);
    expect(parseTools('[{"name": "has space"}]').error).toMatch(/1-64 letters/);
    expect(parseTools("  ")).toEqual({ tools: null, error: null });
  });
});

describe("the request the playground sends", () => {
  it("leaves out parameters at their defaults", () => {
    expect(paramsBody(DEFAULT_SETTINGS.params)).toEqual({});
    expect(paramsBody({ ...DEFAULT_SETTINGS.params, temperature: 0.2, max_tokens: 100, stop: ["END"], seed: 7 })).toEqual({
      temperature: 0.2,
      max_tokens: 100,
      stop: ["END"],
      seed: 7,
    });
  });

  it("puts images as content parts, tool calls and results in the reference's shape, and drops failed answers", () => {
    const messages = [
      { id: "1", role: "user" as const, content: "look", images: ["data:image/png;base64,AAAA"] },
      { id: "2", role: "assistant" as const, content: "", toolCalls: [{ id: "c1", type: "function" as const, function: { name: "f", arguments: "{}" } }] },
      { id: "3", role: "tool" as const, content: "42", toolCallId: "c1" },
      { id: "4", role: "assistant" as const, content: "", error: { message: "no", hint: null, code: null } },
    ];
    const body = chatRequest("m", { ...DEFAULT_SETTINGS, system: "Be brief.", tools: '[{"name": "f"}]' }, messages);
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "42" },
    ]);
    expect(body.tools).toEqual([{ type: "function", function: { name: "f" } }]);
    expect(chatRequest("m", { ...DEFAULT_SETTINGS, tools: '[{"name": "f"}]' }, [], { tools: false }).tools).toBeUndefined();
    expect(wireMessage({ id: "5", role: "user", content: "hi" })).toEqual({ role: "user", content: "hi" });
  });
});
