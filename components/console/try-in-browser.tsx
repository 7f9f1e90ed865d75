import Link from "next/link";
import { Card, CardTitle } from "@/components/ui/card";

const links = [
  { href: "/chat", label: "Chat", text: "Talk to a model, with images and tools", testId: "try-chat" },
  { href: "/compare", label: "Compare", text: "One prompt, two or three models side by side", testId: "try-compare" },
  { href: "/transcribe", label: "Transcribe", text: "Audio to text and subtitles", testId: "try-transcribe" },
  { href: "/speech", label: "Speech", text: "Text to spoken audio, to play or download", testId: "try-speech" },
  { href: "/embeddings", label: "Embeddings and rerank", text: "Vectors, similarity, and ranking for a query", testId: "try-embeddings" },
  { href: "/models", label: "Models", text: "What each model can do and costs", testId: "try-models" },
];

/** The playgrounds, for people who want to try before they write code. */
export function TryInBrowser() {
  return (
    <Card>
      <CardTitle description="No key needed: the console calls the API for you, billed like any request, and shows what each answer cost.">Try it in your browser</CardTitle>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {links.map((l) => (
          <li key={l.href}>
            <Link href={l.href} data-testid={l.testId} className="block h-full rounded-md border p-3 hover:bg-accent">
              <span className="text-sm font-semibold">{l.label} →</span>
              <span className="mt-0.5 block text-xs text-muted">{l.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}
