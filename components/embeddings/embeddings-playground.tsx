"use client";

import { useState } from "react";
import { ApiError, postJson } from "@/components/playground/api";
import { type BilledUsage, billedUsage } from "@/components/playground/billed";
import { BilledFigures } from "@/components/playground/billed-figures";
import { ModelPicker } from "@/components/playground/model-picker";
import { ViewCode } from "@/components/playground/view-code";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { SimilarityMatrix } from "./similarity-matrix";

const EXAMPLE = ["The cat sat on the mat.", "A cat was sitting on a rug.", "Stock markets fell sharply today.", "Equities dropped steeply this afternoon."];

interface Result {
  texts: string[];
  vectors: number[][];
  latencyMs: number;
}

/** Texts in, vectors out: their dimensions and how similar each pair is. */
export function EmbeddingsPlayground({ models, baseUrl, initialModel }: { models: ConsoleModel[]; baseUrl: string; initialModel?: string }) {
  const [modelId, setModelId] = useState(models.find((m) => m.id === initialModel)?.id ?? models[0]!.id);
  const [text, setText] = useState(EXAMPLE.join("\n"));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [billed, setBilled] = useState<BilledUsage | null>(null);
  const [billing, setBilling] = useState(false);
  const texts = text.split("\n").map((t) => t.trim()).filter(Boolean);
  const request = () => ({ model: modelId, input: texts });

  async function embed() {
    setBusy(true);
    setError(null);
    setBilled(null);
    try {
      const { data, headers, latencyMs } = await postJson<{ data: { index: number; embedding: number[] }[] }>("/embeddings", request());
      const vectors = [...data.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      setResult({ texts, vectors, latencyMs });
      setBilling(true);
      setBilled(await billedUsage(headers.get("id")));
      setBilling(false);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(String(err), 0, null, null));
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void embed();
        }}
      >
        <ModelPicker models={models} value={modelId} onChange={setModelId} testId="embeddings-model" disabled={busy} />
        <div className="space-y-1.5">
          <label htmlFor="embeddings-input" className="block text-xs font-medium text-muted">
            Texts, one per line
          </label>
          <textarea id="embeddings-input" data-testid="embeddings-input" rows={8} value={text} onChange={(e) => setText(e.target.value)} className="block w-full rounded-md border border-field-border bg-field p-2 text-sm" />
          <p className="text-xs text-muted">{texts.length} text{texts.length === 1 ? "" : "s"}</p>
        </div>
        <div className="flex items-center justify-between gap-2">
          <ViewCode baseUrl={baseUrl} path="/embeddings" request={request} />
          <button type="submit" disabled={busy || texts.length === 0} data-testid="embeddings-submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:opacity-50">
            {busy ? "Embedding…" : "Embed"}
          </button>
        </div>
      </form>
      <div className="min-w-0 space-y-3" aria-live="polite">
        {error && (
          <div role="alert" className="rounded-md border border-danger-border bg-danger-surface px-3 py-2 text-sm text-danger" data-testid="embeddings-error">
            <p>{error.message}</p>
            {error.hint && <p className="mt-1 text-xs">{error.hint}</p>}
          </div>
        )}
        {!result && !error && <div className="rounded-lg border border-dashed p-10 text-center text-sm text-muted">Embed the texts to see their vectors and how close they are.</div>}
        {result && (
          <>
            <BilledFigures
              usage={billed}
              pending={billing}
              latencyMs={result.latencyMs}
              extra={[
                { label: "vectors", value: String(result.vectors.length), id: "vectors" },
                { label: "dimensions", value: String(result.vectors[0]?.length ?? 0), id: "dimensions" },
              ]}
            />
            <SimilarityMatrix texts={result.texts} vectors={result.vectors} />
            <details className="text-xs">
              <summary className="cursor-pointer text-muted" data-testid="vectors-toggle">
                First values of each vector
              </summary>
              <ol className="mt-2 space-y-1 font-mono" data-testid="vectors">
                {result.vectors.map((v, i) => (
                  <li key={i} className="truncate">
                    {i + 1}. [{v.slice(0, 6).map((x) => x.toFixed(4)).join(", ")}
                    {v.length > 6 ? ", …" : ""}]
                  </li>
                ))}
              </ol>
            </details>
          </>
        )}
      </div>
    </div>
  );
}
