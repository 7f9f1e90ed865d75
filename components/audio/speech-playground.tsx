"use client";

import { useEffect, useState } from "react";
import { CONSOLE_API, apiError } from "@/components/playground/api";
import { useBilledCall } from "@/components/playground/use-billed-call";
import { BilledFigures } from "@/components/playground/billed-figures";
import { ModelPicker } from "@/components/playground/model-picker";
import { ViewCode } from "@/components/playground/view-code";
import { TryOutForm } from "@/components/playground/try-out-form";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { download } from "./download";
import { ApiErrorAlert } from "@/components/playground/api-error-alert";

const VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"];
const FORMATS = ["mp3", "wav", "opus", "aac", "flac", "pcm"] as const;
type Format = (typeof FORMATS)[number];

const input = "block h-9 w-full rounded-md border border-field-border bg-field px-2 text-sm";
const label = "block text-xs font-medium text-muted";

/** Text in, audio out: play it here and download it. */
export function SpeechPlayground({ models, baseUrl, initialModel }: { models: ConsoleModel[]; baseUrl: string; initialModel?: string }) {
  const [modelId, setModelId] = useState(models.find((m) => m.id === initialModel)?.id ?? models[0]!.id);
  const [text, setText] = useState("Hello! This is what your text sounds like.");
  const [voice, setVoice] = useState("alloy");
  const [format, setFormat] = useState<Format>("mp3");
  const [speed, setSpeed] = useState(1);
  const [audio, setAudio] = useState<{ url: string; blob: Blob; format: Format; latencyMs: number } | null>(null);
  const { busy, error, billed, billing, run } = useBilledCall();

  useEffect(() => () => void (audio && URL.revokeObjectURL(audio.url)), [audio]);

  const request = () => ({ model: modelId, input: text, voice, response_format: format, ...(speed !== 1 ? { speed } : {}) });

  function speak() {
    return run(async () => {
      const started = performance.now();
      const res = await fetch(`${CONSOLE_API}/audio/speech`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request()) });
      if (!res.ok) throw await apiError(res);
      const blob = await res.blob();
      setAudio({ url: URL.createObjectURL(blob), blob, format, latencyMs: Math.round(performance.now() - started) });
      return res.headers;
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <TryOutForm onSubmit={speak} className="space-y-4 rounded-lg border bg-surface p-4 shadow-xs">
        <div className="space-y-1.5">
          <label htmlFor="speech-text" className={label}>
            Text
          </label>
          <textarea
            id="speech-text"
            data-testid="speech-text"
            rows={8}
            value={text}
            maxLength={4096}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
            }}
            className="block w-full rounded-md border border-field-border bg-field p-3 text-sm"
          />
          <p className="flex justify-between text-xs text-muted">
            <span>Ctrl+Enter to speak</span>
            <span data-testid="speech-count">{[...text].length} / 4096 characters</span>
          </p>
        </div>
        <div className="flex items-center justify-between gap-2">
          <ViewCode baseUrl={baseUrl} path="/audio/speech" request={request} />
          <button type="submit" disabled={busy || !text.trim()} data-testid="speech-submit" className="h-9 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:cursor-not-allowed disabled:opacity-50">
            {busy ? "Generating…" : "Speak"}
          </button>
        </div>
        {error && <ApiErrorAlert error={error} testId="speech-error" />}
        <div className="min-h-24 rounded-md bg-surface-sunken p-3" aria-live="polite" data-testid="speech-result">
          {audio ? (
            <div className="space-y-2">
              {audio.format === "pcm" ? (
                <p className="text-sm text-muted">Raw PCM cannot be played in a browser: download it, or choose another format.</p>
              ) : (
                // eslint-disable-next-line jsx-a11y/media-has-caption
                <audio src={audio.url} controls autoPlay className="w-full" data-testid="speech-audio" />
              )}
              <div className="flex flex-wrap items-center justify-between gap-2">
                <BilledFigures usage={billed} pending={billing} latencyMs={audio.latencyMs} extra={[{ label: "size", value: `${(audio.blob.size / 1024).toFixed(0)} KB`, id: "size" }]} />
                <button type="button" data-testid="speech-download" onClick={() => download(`speech.${audio.format}`, audio.blob)} className="rounded-md border border-field-border px-2.5 py-1 text-xs font-medium hover:bg-accent">
                  Download .{audio.format}
                </button>
              </div>
            </div>
          ) : (
            <p className="py-6 text-center text-sm text-muted">{busy ? "Generating the audio…" : "The audio plays here."}</p>
          )}
        </div>
      </TryOutForm>
      <div className="space-y-4 rounded-lg border bg-surface p-4 shadow-xs">
        <ModelPicker models={models} value={modelId} onChange={setModelId} testId="speech-model" disabled={busy} />
        <div className="space-y-1.5">
          <label htmlFor="speech-voice" className={label}>
            Voice
          </label>
          <select id="speech-voice" data-testid="speech-voice" value={voice} onChange={(e) => setVoice(e.target.value)} className={input}>
            {VOICES.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </div>
        <div className="space-y-1.5">
          <label htmlFor="speech-format" className={label}>
            Format
          </label>
          <select id="speech-format" data-testid="speech-format" value={format} onChange={(e) => setFormat(e.target.value as Format)} className={input}>
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div className="space-y-1.5">
          <div className="flex items-center justify-between">
            <label htmlFor="speech-speed" className={label}>
              Speed
            </label>
            <span className="text-xs tabular-nums" data-testid="speech-speed-value">
              {speed.toFixed(2)}×
            </span>
          </div>
          <input id="speech-speed" type="range" min={0.25} max={4} step={0.05} value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="speech-speed" className="w-full" />
        </div>
      </div>
    </div>
  );
}
