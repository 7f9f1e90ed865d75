"use client";

import { useState } from "react";
import { CodeBlock } from "@/components/ui/code-block";
import { LanguageTabs } from "@/components/playground/language-tabs";
import { type SnippetLanguage, snippet } from "@/components/playground/snippets";
import type { ConsoleModel } from "@/lib/console/catalogue";

/** The request that shows off a model's main capability. */
export function exampleOf(model: ConsoleModel): { path: string; body: Record<string, unknown> } {
  const c = model.capabilities;
  if (c.includes("chat")) {
    const content = c.includes("vision")
      ? [{ type: "text", text: "What is in this image?" }, { type: "image_url", image_url: { url: "data:image/png;base64,<BASE64 DATA>" } }]
      : "Say hello in three languages.";
    return { path: "/chat/completions", body: { model: model.id, messages: [{ role: "user", content }] } };
  }
  if (c.includes("embeddings")) return { path: "/embeddings", body: { model: model.id, input: ["The quick brown fox", "A fast auburn fox"] } };
  if (c.includes("rerank")) return { path: "/rerank", body: { model: model.id, query: "What is the capital of France?", documents: ["Paris is the capital of France.", "Berlin is in Germany."], top_n: 2 } };
  if (c.includes("transcription")) return { path: "/audio/transcriptions", body: { model: model.id, response_format: "verbose_json" } };
  if (c.includes("speech")) return { path: "/audio/speech", body: { model: model.id, input: "Hello from llmaas!", voice: "alloy", response_format: "mp3" } };
  return { path: "/images/generations", body: { model: model.id, prompt: "A lighthouse at dawn, watercolour", size: "1024x1024" } };
}

export function ExampleRequest({ model, baseUrl }: { model: ConsoleModel; baseUrl: string }) {
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const { path, body } = exampleOf(model);
  return (
    <div className="space-y-2">
      <LanguageTabs value={language} onChange={setLanguage} testIdPrefix="example-tab" />
      <CodeBlock label={`POST ${path}`} code={snippet(language, baseUrl, path, body)} testId="example-request" />
    </div>
  );
}
