import { describe, expect, it } from "vitest";
import { snippet } from "./snippets";

const base = "https://llm.example.com/v1";
const body = { model: "m", messages: [{ role: "user", content: "it's" }], temperature: 0.5, stream: true, tools: null };

describe("snippet", () => {
  it("writes curl with the body quoted for a shell", () => {
    const s = snippet("curl", base, "/chat/completions", body);
    expect(s).toContain("curl https://llm.example.com/v1/chat/completions \\");
    expect(s).toContain(`"content": "it'\\''s"`);
  });

  it("writes Python with Python literals and streams when asked", () => {
    const s = snippet("python", base, "/chat/completions", body);
    expect(s).toContain('client = OpenAI(base_url="https://llm.example.com/v1", api_key=os.environ["LLMAAS_API_KEY"])');
    expect(s).toContain("stream=True,");
    expect(s).toContain("tools=None,");
    expect(s).toContain("for chunk in response:");
  });

  it("writes JavaScript with unquoted keys", () => {
    const s = snippet("javascript", base, "/chat/completions", body);
    expect(s).toContain("await client.chat.completions.create({\n  model: \"m\",");
  });

  it("replaces data URIs by a placeholder", () => {
    const s = snippet("curl", base, "/chat/completions", { model: "m", image: `data:image/png;base64,${"A".repeat(500)}` });
    expect(s).toContain('"data:image/png;base64,<BASE64 DATA>"');
  });

  it("uploads audio as a form and reranks over plain HTTP", () => {
    expect(snippet("curl", base, "/audio/transcriptions", { model: "w", language: "fr" })).toBe(
      'curl https://llm.example.com/v1/audio/transcriptions \\\n  -H "Authorization: Bearer $LLMAAS_API_KEY" \\\n  -F file=@audio.wav \\\n  -F model="w" \\\n  -F language="fr"',
    );
    expect(snippet("python", base, "/audio/translations", { model: "w" })).toContain("client.audio.translations.create(");
    expect(snippet("python", base, "/rerank", { model: "r", query: "q", documents: ["a"] })).toContain("requests.post(");
  });
});
