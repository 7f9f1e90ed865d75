/** A timed piece of a transcript. */
export interface TimedSegment {
  start: number;
  end: number;
  text: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Seconds as HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT). */
export function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** Seconds as m:ss.s for a person. */
export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(1).padStart(4, "0")}`;

export const toSrt = (segments: TimedSegment[]) =>
  segments.map((s, i) => `${i + 1}\n${timestamp(s.start, ",")} --> ${timestamp(s.end, ",")}\n${s.text.trim()}\n`).join("\n");

export const toVtt = (segments: TimedSegment[]) =>
  `WEBVTT\n\n${segments.map((s) => `${timestamp(s.start, ".")} --> ${timestamp(s.end, ".")}\n${s.text.trim()}\n`).join("\n")}`;

const parseTime = (t: string) => {
  const m = /(?:(\d+):)?(\d+):(\d+)[.,](\d+)/.exec(t);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4]}`);
};

/** Segments back from SRT or WebVTT text, so a file asked for in those formats can still be played piece by piece. */
export function parseSubtitles(text: string): TimedSegment[] {
  const out: TimedSegment[] = [];
  for (const block of text.replace(/\r/g, "").split(/\n\s*\n/)) {
    const lines = block.split("\n");
    const i = lines.findIndex((l) => l.includes("-->"));
    if (i < 0) continue;
    const [from, to] = lines[i]!.split("-->");
    out.push({ start: parseTime(from!), end: parseTime(to!), text: lines.slice(i + 1).join(" ").trim() });
  }
  return out;
}
