import type { Metadata } from "next";
import { SpeechPlayground } from "@/components/audio/speech-playground";
import { NoModels } from "@/components/console/no-models";
import { loadPlayground } from "../chat/load";

export const metadata: Metadata = { title: "Speech" };

export default async function SpeechPage({ searchParams }: { searchParams: Promise<{ model?: string }> }) {
  const [{ model }, { models, baseUrl, isAdmin, canAddModels }] = await Promise.all([searchParams, loadPlayground("speech")]);
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Speech</h1>
        <p className="text-sm text-muted">Turn text into spoken audio; play it here or download it.</p>
      </header>
      {models.length === 0 ? <NoModels capability="speech" isAdmin={isAdmin} canAddModels={canAddModels} /> : <SpeechPlayground models={models} baseUrl={baseUrl} initialModel={model} />}
    </div>
  );
}
