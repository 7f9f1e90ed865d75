import type { Metadata } from "next";
import { TranscriptionPlayground } from "@/components/audio/transcription-playground";
import { NoModels } from "@/components/console/no-models";
import { loadPlayground } from "../chat/load";

export const metadata: Metadata = { title: "Transcribe" };

export default async function TranscribePage({ searchParams }: { searchParams: Promise<{ model?: string }> }) {
  const [{ model }, { models, baseUrl, isAdmin, canAddModels }] = await Promise.all([searchParams, loadPlayground("transcription")]);
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Transcribe</h1>
        <p className="text-sm text-muted">Turn speech into text, or translate it into English, with timed segments and subtitles.</p>
      </header>
      {models.length === 0 ? <NoModels capability="transcription" isAdmin={isAdmin} canAddModels={canAddModels} /> : <TranscriptionPlayground models={models} baseUrl={baseUrl} initialModel={model} />}
    </div>
  );
}
