import type { Speech } from "./espeak";

/** The formats the built-in engine answers in; OpenAI's others need an engine that has their encoders. */
export const SPEECH_FORMATS = ["wav", "pcm", "mp3"] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** OpenAI's speech audio is 24 kHz mono 16-bit; clients that read raw pcm assume that rate. */
export const OUTPUT_RATE = 24_000;

/** Linear resampling: eSpeak speaks at 22.05 kHz, clients expect 24 kHz. */
export function resample({ samples, sampleRate }: Speech, rate = OUTPUT_RATE): Int16Array {
  if (sampleRate === rate || samples.length === 0) return samples;
  const out = new Int16Array(Math.round((samples.length * rate) / sampleRate));
  const step = sampleRate / rate;
  for (let i = 0; i < out.length; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = samples[j] ?? 0;
    const b = samples[Math.min(j + 1, samples.length - 1)] ?? a;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

export function pcmBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setInt16(i * 2, s, true));
  return out;
}

export function wavBytes(samples: Int16Array, rate = OUTPUT_RATE): Uint8Array {
  const data = pcmBytes(samples);
  const out = new Uint8Array(44 + data.length);
  const view = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + data.length, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}

export async function mp3Bytes(samples: Int16Array, rate = OUTPUT_RATE): Promise<Uint8Array> {
  const { Mp3Encoder } = await import("@breezystack/lamejs");
  const encoder = new Mp3Encoder(1, rate, 64);
  const parts: Uint8Array[] = [];
  // LAME takes at most a frame's multiple at a time without reallocating.
  for (let i = 0; i < samples.length; i += 1152 * 16) parts.push(encoder.encodeBuffer(samples.subarray(i, i + 1152 * 16)));
  parts.push(encoder.flush());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const CONTENT_TYPES: Record<SpeechFormat, string> = { wav: "audio/wav", pcm: "audio/pcm", mp3: "audio/mpeg" };

export async function encodeSpeech(speech: Speech, format: SpeechFormat): Promise<Uint8Array> {
  const samples = resample(speech);
  if (format === "wav") return wavBytes(samples);
  if (format === "pcm") return pcmBytes(samples);
  return mp3Bytes(samples);
}
