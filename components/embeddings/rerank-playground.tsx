"use client";

import { useState } from "react";
import { postJson } from "@/components/playground/api";
import { useBilledCall } from "@/components/playground/use-billed-call";
import { BilledFigures } from "@/components/playground/billed-figures";
import { ModelPicker } from "@/components/playground/model-picker";
import { ViewCode } from "@/components/playground/view-code";
import { TryOutForm, TryOutTextArea } from "@/components/playground/try-out-form";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { ApiErrorAlert } from "@/components/playground/api-error-alert";

const DOCUMENTS = ["Paris is the capital and largest city of France.", "Berlin is the capital of Germany.", "The Eiffel Tower is in Paris.", "Bananas are rich in potassium."];

interface Ranked {
  index: number;
  relevance_score: number;
}

/** A query and documents in, the documents ranked by relevance with their scores out. */
export function RerankPlayground({ models, baseUrl, initialModel }: { models: ConsoleModel[]; baseUrl: string; initialModel?: string }) {
  const [modelId, setModelId] = useState(models.find((m) => m.id === initialModel)?.id ?? models[0]!.id);
  const [query, setQuery] = useState("What is the capital of France?");
  const [docs, setDocs] = useState(DOCUMENTS.join("\n"));
  const [topN, setTopN] = useState<number | null>(null);
  const [result, setResult] = useState<{ documents: string[]; ranked: Ranked[]; latencyMs: number } | null>(null);
  const { busy, error, billed, billing, run } = useBilledCall();
  const documents = docs.split("\n").map((d) => d.trim()).filter(Boolean);
  const request = () => ({ model: modelId, query, documents, ...(topN ? { top_n: topN } : {}) });

  function rank() {
    return run(
      async () => {
        const { data, headers, latencyMs } = await postJson<{ results: Ranked[] }>("/rerank", request());
        setResult({ documents, ranked: data.results, latencyMs });
        return headers;
      },
      () => setResult(null),
    );
  }

  const best = result ? Math.max(...result.ranked.map((r) => r.relevance_score), 1e-9) : 1;

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <TryOutForm onSubmit={rank}>
        <ModelPicker models={models} value={modelId} onChange={setModelId} testId="rerank-model" disabled={busy} />
        <div className="space-y-1.5">
          <label htmlFor="rerank-query" className="block text-xs font-medium text-muted">
            Query
          </label>
          <input id="rerank-query" data-testid="rerank-query" value={query} onChange={(e) => setQuery(e.target.value)} className="block h-9 w-full rounded-md border border-field-border bg-field px-2 text-sm" />
        </div>
        <TryOutTextArea id="rerank-documents" label="Documents, one per line" rows={7} value={docs} onChange={setDocs} />
        <div className="flex items-end justify-between gap-2">
          <div className="space-y-1.5">
            <label htmlFor="rerank-top" className="block text-xs font-medium text-muted">
              Top N
            </label>
            <input id="rerank-top" type="number" min={1} data-testid="rerank-top-n" value={topN ?? ""} placeholder="All" onChange={(e) => setTopN(e.target.value ? Math.max(1, Math.trunc(Number(e.target.value))) : null)} className="block h-9 w-20 rounded-md border border-field-border bg-field px-2 text-sm placeholder:text-muted" />
          </div>
          <div className="flex gap-2">
            <ViewCode baseUrl={baseUrl} path="/rerank" request={request} />
            <button type="submit" disabled={busy || !query.trim() || documents.length === 0} data-testid="rerank-submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:opacity-50">
              {busy ? "Ranking…" : "Rank"}
            </button>
          </div>
        </div>
      </TryOutForm>
      <div className="min-w-0 space-y-3" aria-live="polite">
        {error && <ApiErrorAlert error={error} testId="rerank-error" />}
        {!result && !error && <div className="rounded-lg border border-dashed p-10 text-center text-sm text-muted">Rank the documents to see which answer the query best.</div>}
        {result && (
          <>
            <BilledFigures usage={billed} pending={billing} latencyMs={result.latencyMs} />
            <ol className="space-y-2" data-testid="rerank-results">
              {result.ranked.map((r, place) => (
                <li key={r.index} className="rounded-md border bg-surface p-3" data-testid="rerank-result">
                  <div className="flex items-baseline justify-between gap-3 text-sm">
                    <span>
                      <span className="mr-2 font-semibold text-muted">#{place + 1}</span>
                      <span data-testid="rerank-document">{result.documents[r.index]}</span>
                    </span>
                    <span className="shrink-0 font-mono text-xs tabular-nums" data-testid="rerank-score">
                      {r.relevance_score.toFixed(4)}
                    </span>
                  </div>
                  <div className="mt-2 h-1 overflow-hidden rounded-full bg-accent" aria-hidden="true">
                    <div className="h-full rounded-full bg-sky-500" style={{ width: `${Math.max(2, (r.relevance_score / best) * 100)}%` }} />
                  </div>
                  <p className="mt-1 text-[11px] text-muted">document {r.index + 1}</p>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
