import { CAPABILITIES, type Capability } from "@/lib/models/capabilities";

const LABELS: Record<Capability, string> = {
  chat: "Chat and completions",
  vision: "Reads images",
  tools: "Calls tools",
  embeddings: "Embeddings",
  rerank: "Reranking",
  transcription: "Transcription",
  speech: "Speech",
  images: "Image generation",
};

/** What a model can be asked to do: one checkbox per capability, named `capabilities`. */
export function CapabilityCheckboxes({ defaultValue, error, wide = false }: { defaultValue: readonly string[]; error?: string; wide?: boolean }) {
  return (
    <fieldset className="space-y-2" aria-describedby={error ? "capabilities-error" : undefined}>
      <legend className="text-sm font-medium">Capabilities</legend>
      <div className={`grid grid-cols-2 gap-x-4 gap-y-1.5 ${wide ? "sm:grid-cols-4" : ""}`}>
        {CAPABILITIES.map((c) => (
          <label key={c} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="capabilities" value={c} defaultChecked={defaultValue.includes(c)} data-testid={`capability-${c}`} />
            {LABELS[c]}
          </label>
        ))}
      </div>
      {error && (
        <p id="capabilities-error" className="text-xs text-danger" data-testid="capabilities-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
