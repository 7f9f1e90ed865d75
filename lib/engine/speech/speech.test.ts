import { describe, expect, it } from "vitest";
import { OUTPUT_RATE, encodeSpeech } from "./encode";
import { VOICES, espeakVoice, synthesize } from "./espeak";
import { serveSpeech } from "./serve";

const seconds = (wav: Uint8Array) => new DataView(wav.buffer, wav.byteOffset).getUint32(40, true) / 2 / OUTPUT_RATE;
const rms = (wav: Uint8Array) => {
  const samples = new Int16Array(wav.slice(44).buffer);
  return Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
};
const speak = (body: Record<string, unknown>) => serveSpeech({ model: "espeak-ng", ...body }, new AbortController().signal);

describe("built-in speech engine", () => {
  it("answers a WAV file with a valid header and audible samples", async () => {
    const res = await speak({ input: "Hello from the built-in voice.", response_format: "wav" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    const wav = new Uint8Array(await res.arrayBuffer());
    const view = new DataView(wav.buffer);
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe("RIFF");
    expect(String.fromCharCode(...wav.subarray(8, 16))).toBe("WAVEfmt ");
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(OUTPUT_RATE);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(wav.length - 44);
    expect(seconds(wav)).toBeGreaterThan(0.8);
    expect(rms(wav)).toBeGreaterThan(500);
  });

  it("takes longer to say a longer text, and less time when faster", async () => {
    const short = "One two three.";
    const long = `${short} ${short} ${short} ${short}`;
    const wav = async (input: string, speed = 1) => new Uint8Array(await (await speak({ input, response_format: "wav", speed })).arrayBuffer());
    const [a, b, fast] = [seconds(await wav(short)), seconds(await wav(long)), seconds(await wav(long, 2))];
    expect(b / a).toBeGreaterThan(2.5);
    expect(b / a).toBeLessThan(5.5);
    expect(fast).toBeLessThan(b * 0.75);
  });

  it("answers raw pcm and mp3 frames", async () => {
    const speech = await synthesize({ text: "Testing.", voice: VOICES.alloy! });
    const pcm = await encodeSpeech(speech, "pcm");
    expect(pcm.length % 2).toBe(0);
    expect(pcm.length / 2 / OUTPUT_RATE).toBeCloseTo((speech.samples.length / speech.sampleRate), 1);
    const res = await speak({ input: "Testing mp3.", response_format: "mp3" });
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    const mp3 = new Uint8Array(await res.arrayBuffer());
    // An MPEG audio frame sync: eleven set bits.
    expect(mp3[0]).toBe(0xff);
    expect(mp3[1]! & 0xe0).toBe(0xe0);
  });

  it("maps OpenAI's voices, accepts eSpeak's own, and refuses the rest in the envelope", async () => {
    expect(espeakVoice("nova")).toBe(VOICES.nova);
    expect(espeakVoice("fr")).toBe("fr");
    expect(() => espeakVoice("--path=/etc")).toThrow(/Unknown voice/);
    const bad = await speak({ input: "hi", voice: "../../x" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ param: "voice" });
    const opus = await speak({ input: "hi", response_format: "opus" });
    expect(opus.status).toBe(400);
    expect((await opus.json()).error).toMatchObject({ param: "response_format" });
  });

  it("reads text that looks like options as text", async () => {
    const res = await speak({ input: "-w /etc/passwd --voices", response_format: "wav" });
    expect(res.status).toBe(200);
    expect(seconds(new Uint8Array(await res.arrayBuffer()))).toBeGreaterThan(0.5);
  });
});
