import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toneWav } from "@/tests/support/wav";
import { inspectAudio, sniffAudio, toSrt, toVtt } from "./audio";

/** A Blob of a copy (Buffers may sit on a shared pool, which Blob's types refuse). */
const blob = (b: Uint8Array) => new Blob([new Uint8Array(b)]);

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("audio uploads", () => {
  it("knows the containers Whisper servers read from their first bytes, not their names", () => {
    expect(sniffAudio(bytes("RIFF", [0, 0, 0, 0], "WAVE"))).toBe("wav");
    expect(sniffAudio(bytes("fLaC", [0]))).toBe("flac");
    expect(sniffAudio(bytes("OggS", [0]))).toBe("ogg");
    expect(sniffAudio(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe("webm");
    expect(sniffAudio(bytes([0, 0, 0, 0x20], "ftypM4A "))).toBe("mp4");
    expect(sniffAudio(bytes("ID3", [4, 0]))).toBe("mp3");
    expect(sniffAudio(bytes([0xff, 0xfb, 0x90]))).toBe("mp3");
    expect(sniffAudio(bytes([0xff, 0xf1, 0x50]))).toBeNull(); // AAC in ADTS: not a format Whisper servers take
    expect(sniffAudio(bytes("%PDF-1.4"))).toBeNull();
    expect(sniffAudio(bytes("RIFF", [0, 0, 0, 0], "AVI "))).toBeNull();
  });

  it("measures a WAV from its samples, and refuses a truncated one", async () => {
    expect(await inspectAudio(blob(toneWav(1.5)))).toEqual({ format: "wav", duration: 1.5 });
    const streamed = Buffer.from(toneWav(2));
    streamed.writeUInt32LE(0xffffffff, 40); // a recorder that did not know the length
    expect((await inspectAudio(blob(streamed))).duration).toBe(2);
    await expect(inspectAudio(blob(toneWav(2).subarray(0, 44)))).rejects.toMatchObject({ status: 400, code: "invalid_audio" });
    await expect(inspectAudio(blob(toneWav(0.05)))).rejects.toMatchObject({ status: 400, code: "audio_too_short" });
  });

  it("measures the other formats Whisper servers take", async () => {
    // 1.5 s of a 440 Hz tone, made with ffmpeg's sine source (tests/fixtures/audio/README.md).
    const read = async (name: string) => inspectAudio(blob(await fs.readFile(path.join(import.meta.dirname, "../../tests/fixtures/audio", name))));
    for (const [name, format] of [["tone.mp3", "mp3"], ["tone.ogg", "ogg"], ["tone.flac", "flac"], ["tone.m4a", "mp4"], ["tone.webm", "webm"]] as const) {
      const info = await read(name);
      expect(info.format, name).toBe(format);
      // Lossy encoders add a frame or two of padding.
      expect(info.duration, name).toBeGreaterThanOrEqual(1.5);
      expect(info.duration, name).toBeLessThan(1.6);
    }
    // A WebM written as a stream (as browsers' MediaRecorder does) has no duration in it.
    expect(await read("stream.webm")).toEqual({ format: "webm", duration: null });
  });

  it("writes SubRip and WebVTT cues", () => {
    const seg = (start: number, end: number, text: string) => ({ id: 0, seek: 0, start, end, text, tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 0, no_speech_prob: 0 });
    const segments = [seg(0, 2.5, " Bonjour."), seg(3723.004, 3725.5, " Au revoir.")];
    expect(toSrt(segments)).toBe("1\n00:00:00,000 --> 00:00:02,500\nBonjour.\n\n2\n01:02:03,004 --> 01:02:05,500\nAu revoir.\n");
    expect(toVtt(segments)).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nBonjour.\n\n01:02:03.004 --> 01:02:05.500\nAu revoir.\n");
  });
});
