"use client";

import { useEffect, useRef, useState } from "react";
import { CONSOLE_API, apiError } from "@/components/playground/api";
import { useBilledCall } from "@/components/playground/use-billed-call";
import { ModelPicker } from "@/components/playground/model-picker";
import { ViewCode } from "@/components/playground/view-code";
import { TryOutForm } from "@/components/playground/try-out-form";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { type TimedSegment, parseSubtitles } from "./subtitles";
import { type Transcript, TranscriptView } from "./transcript-view";
import { useRecorder } from "./use-recorder";
import { ApiErrorAlert } from "@/components/playground/api-error-alert";
import { useFileDrop } from "@/components/ui/use-file-drop";

const FORMATS = ["verbose_json", "json", "text", "srt", "vtt"] as const;
type Format = (typeof FORMATS)[number];

type Result = Transcript & { format: Format };

const input = "block h-9 w-full rounded-md border border-field-border bg-field px-2 text-sm placeholder:text-muted";
const label = "block text-xs font-medium text-muted";

/** Upload or record audio, transcribe or translate it, play it back segment by segment, download subtitles. */
export function TranscriptionPlayground({ models, baseUrl, initialModel }: { models: ConsoleModel[]; baseUrl: string; initialModel?: string }) {
  const [modelId, setModelId] = useState(models.find((m) => m.id === initialModel)?.id ?? models[0]!.id);
  const [file, setFile] = useState<File | null>(null);
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [language, setLanguage] = useState("");
  const [task, setTask] = useState<"transcribe" | "translate">("transcribe");
  const [prompt, setPrompt] = useState("");
  const [format, setFormat] = useState<Format>("verbose_json");
  const [result, setResult] = useState<Result | null>(null);
  const { busy, error, billed, billing, run, reset } = useBilledCall();
  const [playing, setPlaying] = useState<number | null>(null);
  const { dragging, dropProps } = useFileDrop((files) => choose(files[0]!));
  const audio = useRef<HTMLAudioElement>(null);
  const stopAt = useRef<number | null>(null);
  const recorder = useRecorder(choose);
  const model = models.find((m) => m.id === modelId);

  function choose(f: File) {
    setFile(f);
    setResult(null);
    reset();
    setAudioUrl((old) => {
      if (old) URL.revokeObjectURL(old);
      return URL.createObjectURL(f);
    });
  }

  useEffect(() => () => void (audioUrl && URL.revokeObjectURL(audioUrl)), [audioUrl]);

  const fields = () => ({
    model: modelId,
    ...(language.trim() ? { language: language.trim() } : {}),
    ...(task === "translate" ? { task } : {}),
    ...(prompt.trim() ? { prompt: prompt.trim() } : {}),
    response_format: format,
  });

  async function transcribe() {
    if (!file) return;
    setResult(null);
    const form = new FormData();
    form.append("file", file, file.name);
    for (const [k, v] of Object.entries(fields())) form.append(k, v);
    const started = performance.now();
    await run(async () => {
      const res = await fetch(`${CONSOLE_API}/audio/transcriptions`, { method: "POST", body: form });
      if (!res.ok) throw await apiError(res);
      const latencyMs = Math.round(performance.now() - started);
      let r: Result;
      if (format === "json" || format === "verbose_json") {
        const body = (await res.json()) as { text?: string; segments?: TimedSegment[]; language?: string; duration?: number };
        r = { text: String(body.text ?? ""), segments: body.segments ?? [], language: body.language ?? null, duration: body.duration ?? null, latencyMs, format };
      } else {
        const text = await res.text();
        const segments = format === "text" ? [] : parseSubtitles(text);
        r = { text: format === "text" ? text.trim() : segments.map((s) => s.text).join(" "), segments, language: null, duration: null, latencyMs, format };
      }
      setResult(r);
      return res.headers;
    });
  }

  function play(i: number) {
    const seg = result?.segments[i];
    const el = audio.current;
    if (!seg || !el) return;
    el.currentTime = seg.start;
    stopAt.current = seg.end;
    setPlaying(i);
    void el.play();
  }

  const base = file?.name.replace(/\.[^.]+$/, "") || "transcript";

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <TryOutForm onSubmit={transcribe} className="space-y-4 rounded-lg border bg-surface p-4 shadow-xs">
        <ModelPicker models={models} value={modelId} onChange={setModelId} testId="transcribe-model" disabled={busy} />
        <div
          className={`rounded-md border border-dashed p-4 text-center text-sm ${dragging ? "border-ring bg-accent" : ""}`}
          {...dropProps}
          data-testid="audio-drop"
        >
          {/* The input is hidden but keeps the focus; its label shows it, as the control people see. */}
          <input id="audio-file" type="file" accept="audio/*,video/mp4,video/webm" className="peer sr-only" data-testid="audio-file" onChange={(e) => e.target.files?.[0] && choose(e.target.files[0])} />
          <label htmlFor="audio-file" className="cursor-pointer rounded-sm font-medium underline underline-offset-2 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-ring">
            Choose an audio file
          </label>
          <span className="text-muted"> or drop one here</span>
          <p className="mt-1 text-xs text-muted">mp3, wav, m4a, webm, ogg, flac</p>
          <div className="mt-3">
            {recorder.recording ? (
              <button type="button" onClick={recorder.stop} data-testid="record-stop" className="inline-flex h-8 items-center gap-2 rounded-md border border-danger-border bg-danger-surface px-3 text-xs font-medium text-danger">
                <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-danger" /> Stop recording ({recorder.seconds} s)
              </button>
            ) : (
              <button type="button" onClick={() => void recorder.start()} disabled={busy} data-testid="record-start" className="inline-flex h-8 items-center gap-2 rounded-md border border-field-border px-3 text-xs font-medium hover:bg-accent disabled:opacity-50">
                <span aria-hidden="true" className="size-2 rounded-full bg-danger" /> Record from the microphone
              </button>
            )}
          </div>
          {recorder.error && (
            <p role="alert" className="mt-2 text-xs text-danger" data-testid="record-error">
              {recorder.error}
            </p>
          )}
        </div>
        {file && (
          <p className="truncate text-xs text-muted" data-testid="audio-name">
            {file.name} · {(file.size / 1024).toFixed(0)} KB
          </p>
        )}
        <div className="grid grid-cols-2 gap-3">
          <div className="space-y-1.5">
            <label htmlFor="tr-language" className={label}>
              Language
            </label>
            <input id="tr-language" data-testid="transcribe-language" value={language} onChange={(e) => setLanguage(e.target.value)} placeholder="Detect (e.g. fr)" className={input} />
          </div>
          <div className="space-y-1.5">
            <label htmlFor="tr-task" className={label}>
              Task
            </label>
            <select id="tr-task" data-testid="transcribe-task" value={task} onChange={(e) => setTask(e.target.value as typeof task)} className={input}>
              <option value="transcribe">Transcribe</option>
              <option value="translate">Translate to English</option>
            </select>
          </div>
        </div>
        <div className="space-y-1.5">
          <label htmlFor="tr-prompt" className={label}>
            Initial prompt
          </label>
          <textarea id="tr-prompt" data-testid="transcribe-prompt" rows={2} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="Names and words the audio uses, to spell them right" className="block w-full rounded-md border border-field-border bg-field p-2 text-sm placeholder:text-muted" />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="tr-format" className={label}>
            Output format
          </label>
          <select id="tr-format" data-testid="transcribe-format" value={format} onChange={(e) => setFormat(e.target.value as Format)} className={input}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-center justify-between gap-2">
          <ViewCode baseUrl={baseUrl} path={task === "translate" ? "/audio/translations" : "/audio/transcriptions"} request={fields} />
          <button type="submit" disabled={!file || busy || recorder.recording} data-testid="transcribe-submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:cursor-not-allowed disabled:opacity-50">
            {busy ? "Transcribing…" : task === "translate" ? "Translate" : "Transcribe"}
          </button>
        </div>
        {model && <p className="text-xs text-muted">Billed per started minute of audio.</p>}
      </TryOutForm>

      <section className="min-w-0 space-y-4" aria-live="polite" aria-busy={busy}>
        {audioUrl && (
          <audio
            ref={audio}
            src={audioUrl}
            controls
            className="w-full"
            data-testid="audio-player"
            onTimeUpdate={(e) => {
              const t = e.currentTarget.currentTime;
              if (stopAt.current !== null && t >= stopAt.current) {
                e.currentTarget.pause();
                stopAt.current = null;
              }
            }}
            onPause={() => setPlaying(null)}
          />
        )}
        {error && <ApiErrorAlert error={error} testId="transcribe-error" />}
        {!result && !error && (
          <div className="rounded-lg border border-dashed p-10 text-center text-sm text-muted" data-testid="transcribe-empty">
            {busy ? "Listening to the audio…" : file ? "Press Transcribe to turn the audio into text." : "Choose a file or record something: its text and timed segments appear here."}
          </div>
        )}
        {result && <TranscriptView result={result} billed={billed} billing={billing} playing={playing} onPlay={play} fileBase={base} />}
      </section>
    </div>
  );
}
