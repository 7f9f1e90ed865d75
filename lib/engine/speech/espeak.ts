/*
 * The built-in text-to-speech engine: eSpeak NG compiled to WebAssembly, from
 * the optional npm package `espeak-ng` (GPL-3.0-or-later), whose voices ship
 * inside the package. It is loaded with a dynamic import so the platform runs
 * without it; `speechEngineAvailable()` says whether this install has it.
 */

export interface Speech {
  /** Mono 16-bit samples. */
  samples: Int16Array;
  sampleRate: number;
}

type ESpeakModule = { FS: { writeFile(path: string, data: string): void; readFile(path: string): Uint8Array } };
type ESpeakFactory = (options: Record<string, unknown>) => Promise<ESpeakModule>;

/** The speech model the platform registers when the engine is installed. */
export const BUILTIN_SPEECH_MODEL = "espeak-ng";

/** OpenAI's voice names, each given an eSpeak voice with its own timbre; any eSpeak voice name works too. */
export const VOICES: Record<string, string> = {
  alloy: "en-us",
  ash: "en-us+m3",
  ballad: "en-gb-x-rp+m5",
  coral: "en-us+f3",
  echo: "en-us+m1",
  fable: "en-gb+m7",
  nova: "en-us+f4",
  onyx: "en-us+m2",
  sage: "en-gb+f2",
  shimmer: "en-us+f5",
  verse: "en-us+m4",
};

/** eSpeak's speaking rate at speed 1, in words per minute, and the range it accepts. */
const BASE_WPM = 175;
const MIN_WPM = 80;
const MAX_WPM = 450;

let factory: Promise<ESpeakFactory | null> | undefined;

function loadFactory(): Promise<ESpeakFactory | null> {
  // Left to Node at run time: the package may be absent, and bundling 18 MB of WebAssembly helps nobody.
  factory ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "espeak-ng").then(
    (m: { default: unknown }) => m.default as ESpeakFactory,
    () => null,
  );
  return factory;
}

export async function speechEngineAvailable(): Promise<boolean> {
  return (await loadFactory()) !== null;
}

export class VoiceError extends Error {}

/** eSpeak voice names are letters, digits, '-', '+' and '_' only: nothing that reads as an option or a path. */
export function espeakVoice(voice: string | undefined): string {
  if (!voice) return VOICES.alloy!;
  const mapped = VOICES[voice.toLowerCase()];
  if (mapped) return mapped;
  if (!/^[a-z]{2,3}(-[a-z0-9]+)*(\+[a-z0-9]+)?$/i.test(voice)) throw new VoiceError(`Unknown voice '${voice}'`);
  return voice;
}

// One synthesis at a time: each holds a WebAssembly instance of about 32 MB.
let queue: Promise<unknown> = Promise.resolve();

/** Speak `text` with an eSpeak voice at `speed` times the normal rate. */
export function synthesize({ text, voice, speed = 1 }: { text: string; voice: string; speed?: number }): Promise<Speech> {
  const run = queue.then(() => synthesizeNow(text, voice, speed));
  queue = run.catch(() => {});
  return run;
}

async function synthesizeNow(text: string, voice: string, speed: number): Promise<Speech> {
  const create = await loadFactory();
  if (!create) throw new Error("the espeak-ng package is not installed");
  const wpm = String(Math.round(Math.min(MAX_WPM, Math.max(MIN_WPM, BASE_WPM * speed))));
  const errors: string[] = [];
  // The text goes through a file, never the command line, so nothing in it is read as an option.
  const instance = await create({
    arguments: ["-w", "/out.wav", "-v", voice, "-s", wpm, "-f", "/in.txt"],
    preRun: [(m: ESpeakModule) => m.FS.writeFile("/in.txt", text)],
    print: () => {},
    printErr: (line: string) => errors.push(line),
  });
  let wav: Uint8Array;
  try {
    wav = instance.FS.readFile("/out.wav");
  } catch {
    const reason = errors.find((e) => !e.includes("keepRuntimeAlive")) ?? "no audio was produced";
    throw new VoiceError(reason.includes("voice") ? `Unknown voice '${voice}'` : reason);
  }
  return readWav(wav);
}

/** The samples of a 16-bit PCM WAV file (what eSpeak writes). */
export function readWav(wav: Uint8Array): Speech {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let offset = 12;
  let sampleRate = 22050;
  while (offset + 8 <= wav.byteLength) {
    const id = String.fromCharCode(...wav.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt ") sampleRate = view.getUint32(offset + 12, true);
    if (id === "data") {
      // eSpeak writes a placeholder size when it streams; the rest of the file is the data.
      const end = Math.min(wav.byteLength, offset + 8 + size);
      const bytes = wav.slice(offset + 8, end - ((end - offset - 8) % 2));
      return { samples: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2), sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("eSpeak produced no audio data");
}
