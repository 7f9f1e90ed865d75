import type { Capability } from "@/lib/models/capabilities";

/** The console page where a model with these capabilities can be tried, if any. */
export function tryPath(id: string, capabilities: Capability[]): string | null {
  const q = `?model=${encodeURIComponent(id)}`;
  if (capabilities.includes("chat")) return `/chat${q}`;
  if (capabilities.includes("embeddings")) return `/embeddings${q}`;
  if (capabilities.includes("rerank")) return `/embeddings${q}#rerank`;
  if (capabilities.includes("transcription")) return `/transcribe${q}`;
  if (capabilities.includes("speech")) return `/speech${q}`;
  return null;
}
