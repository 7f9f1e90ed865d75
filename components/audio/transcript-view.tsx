import { CopyButton } from "@/components/ui/copy-button";
import type { BilledUsage } from "@/components/playground/billed";
import { BilledFigures } from "@/components/playground/billed-figures";
import { download } from "./download";
import { type TimedSegment, clock, toSrt, toVtt } from "./subtitles";

export interface Transcript {
  text: string;
  segments: TimedSegment[];
  language: string | null;
  duration: number | null;
  latencyMs: number;
}

/** A transcript: its figures and cost, its text, its segments (each plays its part), and subtitle downloads. */
export function TranscriptView({
  result,
  billed,
  billing,
  playing,
  onPlay: play,
  fileBase: base,
}: {
  result: Transcript;
  billed: BilledUsage | null;
  billing: boolean;
  playing: number | null;
  onPlay: (index: number) => void;
  fileBase: string;
}) {
  return (
    <div className="space-y-4 rounded-lg border bg-surface p-4 shadow-xs" data-testid="transcribe-result">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <BilledFigures
          usage={billed}
          pending={billing}
          latencyMs={result.latencyMs}
          extra={[...(result.language ? [{ label: "language", value: result.language, id: "language" }] : []), ...(result.duration ? [{ label: "duration", value: `${result.duration.toFixed(1)} s`, id: "duration" }] : [])]}
        />
        <div className="flex flex-wrap gap-1" role="group" aria-label="Download">
          {(["txt", "srt", "vtt"] as const).map((ext) => (
            <button
              key={ext}
              type="button"
              data-testid={`download-${ext}`}
              disabled={ext !== "txt" && result.segments.length === 0}
              title={ext !== "txt" && result.segments.length === 0 ? "Subtitles need timed segments: choose json, verbose_json, srt or vtt" : undefined}
              onClick={() => download(`${base}.${ext}`, ext === "txt" ? `${result.text}\n` : ext === "srt" ? toSrt(result.segments) : toVtt(result.segments), ext === "vtt" ? "text/vtt" : "text/plain")}
              className="rounded-md border border-field-border px-2.5 py-1 text-xs font-medium hover:bg-accent disabled:opacity-50"
            >
              .{ext}
            </button>
          ))}
        </div>
      </div>
      <div className="relative rounded-md bg-surface-sunken p-3">
        <p className="pr-14 text-sm whitespace-pre-wrap" data-testid="transcript-text">
          {result.text || "(no speech heard)"}
        </p>
        <div className="absolute top-2 right-2">
          <CopyButton text={result.text} what="transcript" testId="transcript-copy" />
        </div>
      </div>
      {result.segments.length > 0 && (
        <div>
          <h2 className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">Segments · click one to hear it</h2>
          <ol className="divide-y rounded-md border" data-testid="segments">
            {result.segments.map((s, i) => (
              <li key={i}>
                <button
                  type="button"
                  onClick={() => play(i)}
                  aria-current={playing === i ? "true" : undefined}
                  data-testid="segment"
                  className="grid w-full grid-cols-[7.5rem_1fr] gap-3 px-3 py-2 text-left text-sm hover:bg-accent aria-[current=true]:bg-accent"
                >
                  <span className="font-mono text-xs text-muted tabular-nums" data-testid="segment-time">
                    {clock(s.start)} – {clock(s.end)}
                  </span>
                  <span>{s.text.trim()}</span>
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
