"use client";

import { useState } from "react";
import { postJson } from "@/components/playground/api";
import { useBilledCall } from "@/components/playground/use-billed-call";
import { BilledFigures } from "@/components/playground/billed-figures";
import { ModelPicker } from "@/components/playground/model-picker";
import { ViewCode } from "@/components/playground/view-code";
import { TryOutForm, TryOutTextArea } from "@/components/playground/try-out-form";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { SimilarityMatrix } from "./similarity-matrix";
import { ApiErrorAlert } from "@/components/playground/api-error-alert";

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
  const [result, setResult] = useState<Result | null>(null);
  const { busy, error, billed, billing, run } = useBilledCall();
  const texts = text.split("\n").map((t) => t.trim()).filter(Boolean);
  const request = () => ({ model: modelId, input: texts });

  function embed() {
    return run(
      async () => {
        const { data, headers, latencyMs } = await postJson<{ data: { index: number; embedding: number[] }[] }>("/embeddings", request());
        const vectors = [...data.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        setResult({ texts, vectors, latencyMs });
        return headers;
      },
      () => setResult(null),
    );
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <TryOutForm onSubmit={embed}>
        <ModelPicker models={models} value={modelId} onChange={setModelId} testId="embeddings-model" disabled={busy} />
        <TryOutTextArea id="embeddings-input" label="Texts, one per line" rows={8} value={text} onChange={setText}>
          <p className="text-xs text-muted">{texts.length} text{texts.length === 1 ? "" : "s"}</p>
        </TryOutTextArea>
        <div className="flex items-center justify-between gap-2">
          <ViewCode baseUrl={baseUrl} path="/embeddings" request={request} />
          <button type="submit" disabled={busy || texts.length === 0} data-testid="embeddings-submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:opacity-50">
            {busy ? "Embedding…" : "Embed"}
          </button>
        </div>
      </TryOutForm>
      <div className="min-w-0 space-y-3" aria-live="polite">
        {error && <ApiErrorAlert error={error} testId="embeddings-error" />}
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
