import { badRequest } from "../errors";

/*
 * Uploaded audio, checked and measured by the gateway itself: the duration
 * billed comes from the file, not from the client or the backend.
 */

export interface AudioInfo {
  format: "wav" | "mp3" | "flac" | "ogg" | "webm" | "mp4";
  /** Seconds; null when the container does not say (a recorder's WebM). */
  duration: number | null;
}

export const SUPPORTED_AUDIO = "flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, opus, wav, webm";

const ascii = (b: Uint8Array, at: number, s: string) => s.split("").every((c, i) => b[at + i] === c.charCodeAt(0));

/** The container, from the file's first bytes (its name and type are the client's word). */
export function sniffAudio(b: Uint8Array): AudioInfo["format"] | null {
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "wav";
  if (ascii(b, 0, "fLaC")) return "flac";
  if (ascii(b, 0, "OggS")) return "ogg";
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "webm";
  if (ascii(b, 4, "ftyp")) return "mp4";
  if (ascii(b, 0, "ID3")) return "mp3";
  // An MPEG audio frame header: 11 sync bits, then a layer other than 00 (00 is AAC's ADTS).
  if (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0) return "mp3";
  return null;
}

const unreadable = (why: string) => badRequest(`The audio file could not be read: ${why}`, "file", "invalid_audio");

/** Check an upload is audio in a supported container and measure it. 400 for anything else. */
export async function inspectAudio(file: Blob): Promise<AudioInfo> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = sniffAudio(bytes);
  if (!format) {
    throw badRequest(`Invalid file format. Supported formats: ${SUPPORTED_AUDIO}`, "file", "unsupported_audio_format");
  }
  const { parseBuffer } = await import("music-metadata");
  let duration: number | undefined;
  try {
    const meta = await parseBuffer(bytes, { size: bytes.byteLength }, { duration: true, skipCovers: true });
    duration = meta.format.duration;
  } catch (err) {
    throw unreadable(`it is not valid ${format} (${(err as Error).message.split("\n")[0]!.slice(0, 120)})`);
  }
  if (duration === undefined || !Number.isFinite(duration)) {
    if (format === "webm") return { format, duration: null };
    throw unreadable(`its ${format} header is incomplete or corrupt`);
  }
  if (duration < 0.1) throw badRequest("Audio file is too short. Minimum audio length is 0.1 seconds.", "file", "audio_too_short");
  return { format, duration };
}

export interface Segment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

const stamp = (seconds: number, sep: "," | ".") => {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${sep}${pad(ms % 1000, 3)}`;
};

/** SubRip subtitles, one cue per segment. */
export const toSrt = (segments: Segment[]) =>
  segments.map((s, i) => `${i + 1}\n${stamp(s.start, ",")} --> ${stamp(s.end, ",")}\n${s.text.trim()}\n`).join("\n");

/** WebVTT subtitles, one cue per segment. */
export const toVtt = (segments: Segment[]) =>
  `WEBVTT\n\n${segments.map((s) => `${stamp(s.start, ".")} --> ${stamp(s.end, ".")}\n${s.text.trim()}\n`).join("\n")}`;
