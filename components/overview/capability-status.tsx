import Link from "next/link";
import { Card, CardTitle } from "@/components/ui/card";
import type { ConsoleModel } from "@/lib/console/catalogue";

const ROWS = [
  { capability: "chat", label: "Chat and completions", href: "/chat" },
  { capability: "embeddings", label: "Embeddings", href: "/embeddings" },
  { capability: "rerank", label: "Rerank", href: "/embeddings#rerank" },
  { capability: "transcription", label: "Transcription", href: "/transcribe" },
  { capability: "speech", label: "Speech", href: "/speech" },
  { capability: "images", label: "Images", href: "/models" },
] as const;

/** What works now and what is missing, one line per capability. */
export function CapabilityStatus({ models }: { models: ConsoleModel[] }) {
  return (
    <Card data-testid="capability-status">
      <CardTitle description="What you can call right now, by kind of model.">Models by capability</CardTitle>
      <ul className="divide-y text-sm">
        {ROWS.map((row) => {
          const serving = models.filter((m) => m.capabilities.includes(row.capability));
          const up = serving.filter((m) => m.backends.some((b) => b.enabled && b.healthy && b.circuit !== "open"));
          return (
            <li key={row.capability} className="flex items-center gap-3 py-2.5" data-testid={`capability-${row.capability}`}>
              <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${up.length ? "bg-emerald-500" : serving.length ? "bg-amber-500" : "bg-zinc-300 dark:bg-zinc-600"}`} />
              <span className="min-w-0 flex-1">
                <span className="font-medium">{row.label}</span>
                <span className="block truncate text-xs text-muted" data-testid={`capability-${row.capability}-models`}>
                  {serving.length === 0 ? "No model yet" : serving.map((m) => m.id).join(", ")}
                </span>
              </span>
              <Link href={row.href} className="shrink-0 text-xs font-medium underline-offset-2 hover:underline" data-testid={`capability-${row.capability}-link`}>
                {serving.length ? "Try →" : "How to add →"}
              </Link>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
