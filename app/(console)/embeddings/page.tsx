import type { Metadata } from "next";
import { NoModels } from "@/components/console/no-models";
import { EmbeddingsPlayground } from "@/components/embeddings/embeddings-playground";
import { RerankPlayground } from "@/components/embeddings/rerank-playground";
import { loadPlayground } from "../chat/load";

export const metadata: Metadata = { title: "Embeddings and rerank" };

export default async function EmbeddingsPage({ searchParams }: { searchParams: Promise<{ model?: string }> }) {
  const [{ model }, embeddings, rerank] = await Promise.all([searchParams, loadPlayground("embeddings"), loadPlayground("rerank")]);
  return (
    <div className="mx-auto w-full max-w-6xl space-y-10 px-4 py-8 sm:px-6">
      <section className="space-y-4" aria-labelledby="embeddings-heading">
        <header className="space-y-1">
          <h1 id="embeddings-heading" className="text-2xl font-semibold tracking-tight">
            Embeddings
          </h1>
          <p className="text-sm text-muted">Texts become vectors; similar meanings give close vectors.</p>
        </header>
        {embeddings.models.length === 0 ? (
          <NoModels capability="embeddings" isAdmin={embeddings.isAdmin} canAddModels={embeddings.canAddModels} />
        ) : (
          <EmbeddingsPlayground models={embeddings.models} baseUrl={embeddings.baseUrl} initialModel={model} />
        )}
      </section>
      <section id="rerank" className="space-y-4 border-t pt-8" aria-labelledby="rerank-heading">
        <header className="space-y-1">
          <h2 id="rerank-heading" className="text-2xl font-semibold tracking-tight">
            Rerank
          </h2>
          <p className="text-sm text-muted">Order documents by how well they answer a query.</p>
        </header>
        {rerank.models.length === 0 ? <NoModels capability="rerank" isAdmin={rerank.isAdmin} canAddModels={rerank.canAddModels} /> : <RerankPlayground models={rerank.models} baseUrl={rerank.baseUrl} initialModel={model} />}
      </section>
    </div>
  );
}
