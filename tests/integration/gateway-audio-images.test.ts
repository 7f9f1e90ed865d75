import fs from "node:fs/promises";
import path from "node:path";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPrice } from "@/db/queries/prices";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { countCl100k } from "@/lib/gateway/tokenizer";
import { describeEachDriver } from "@/tests/support/databases";
import { PNG_BASE64, TRANSCRIPT, TRANSLATION, startFakeModalities } from "@/tests/support/fake-modalities";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";
import { toneWav } from "@/tests/support/wav";

const MAX_AUDIO = 2 * 1024 * 1024;
const FIXTURES = path.join(import.meta.dirname, "../fixtures/audio");
const AUDIO_MINUTE = 10_000_000n;
const SPEECH_CHARACTER = 15_000n;
const INPUT_TOKEN = 1_800n;
const IMAGE = 40_000_000n;

describeEachDriver("gateway: audio and images", () => {
  let engine: Awaited<ReturnType<typeof startFakeModalities>>;
  let whisperCpp: Awaited<ReturnType<typeof startFakeModalities>>;
  let server: TestServer;
  let client: OpenAI;
  let secret: string;
  const twoSeconds = toneWav(2);

  beforeAll(async () => {
    engine = await startFakeModalities({ flavor: "openai" });
    whisperCpp = await startFakeModalities({ flavor: "whispercpp" });
    await registerBackend("speaches", engine.url, [
      { id: "whisper-large-v3", upstream: "whisper", capabilities: ["transcription"] },
      { id: "old-whisper", upstream: "old-vllm", capabilities: ["transcription"] },
      { id: "kokoro", upstream: "kokoro", capabilities: ["speech"] },
      { id: "token-tts", upstream: "kokoro", capabilities: ["speech"] },
      { id: "octet-tts", upstream: "octet", capabilities: ["speech"] },
      { id: "flux", upstream: "flux", capabilities: ["images"] },
      { id: "linker", upstream: "img-url", capabilities: ["images"] },
      { id: "chat-only", upstream: "echo", capabilities: ["chat"] },
    ]);
    await registerBackend("whisper-cpp", whisperCpp.url, [{ id: "whisper-cpp", upstream: "ggml-base", capabilities: ["transcription"] }]);
    // This model's speech is priced per token, not per character.
    await insertPrice({ modelId: "token-tts", unit: "speech_character", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    server = await startGatewayServer({ maxAudioBytes: MAX_AUDIO });
    await server.runtime.gateway.options.catalogue.refresh();
    ({ secret } = await createTenant());
    client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
    await Promise.all([engine.close(), whisperCpp.close()]);
  });

  const usageRow = async (requestId: string) => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    const [row] = await findUsageByRequestIdForPlatform({ requestId });
    return row!;
  };

  const upload = (path: string, fields: Record<string, string>, file?: { bytes: Uint8Array; name: string; type?: string }) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append("file", new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? "audio/wav" }), file.name);
    return fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${secret}` }, body: form });
  };

  const postJson = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  describe("transcriptions", () => {
    it("answers the openai SDK with the reference's json, measuring the audio itself", async () => {
      const file = await toFile(twoSeconds, "audio.wav", { type: "audio/wav" });
      const { data, response } = await client.audio.transcriptions.create({ model: "whisper-large-v3", file, language: "fr" }).withResponse();
      const body = data as unknown as { text: string; language: string; segments: Record<string, unknown>[] };
      expect(body.text).toBe(TRANSCRIPT);
      expect(body.language).toBe("fr");
      expect(body.segments).toHaveLength(2);
      expect(Object.keys(body.segments[0]!).sort()).toEqual(
        ["avg_logprob", "compression_ratio", "end", "id", "no_speech_prob", "seek", "start", "temperature", "text", "tokens"].sort(),
      );
      const id = response.headers.get("id")!;
      expect(id).toMatch(/^trsc-/);
      expect(JSON.parse(response.headers.get("backend")!).machine_name).toBe("speaches-machine");

      const sent = engine.calls.at(-1)!;
      expect(sent.path).toBe("/v1/audio/transcriptions");
      expect(sent.body).toMatchObject({ model: "whisper", language: "fr", response_format: "verbose_json" });
      expect(sent.file).toEqual({ name: "audio.wav", type: "audio/wav", size: twoSeconds.length });

      const row = await usageRow(id);
      expect(row).toMatchObject({ status: 200, endpoint: "audio.transcriptions", units: { audio_seconds: 2 }, promptTokens: 0, completionTokens: 0 });
      expect(row.costNanos).toBe(AUDIO_MINUTE);
    });

    it("bills every started minute of the file's own duration", async () => {
      const file = await toFile(toneWav(61.5), "long.wav");
      const { data, response } = await client.audio.transcriptions.create({ model: "whisper-large-v3", file, response_format: "verbose_json" }).withResponse();
      expect(data).toMatchObject({ task: "transcribe", duration: 61.5, text: TRANSCRIPT, usage: { type: "duration", seconds: 62 } });
      const row = await usageRow(response.headers.get("id")!);
      expect(row.units).toEqual({ audio_seconds: 61.5 });
      expect(row.costNanos).toBe(2n * AUDIO_MINUTE);
    });

    it("accepts the other formats Whisper servers read, and bills a WebM that lacks its duration for what the engine heard", async () => {
      for (const name of ["tone.mp3", "tone.ogg", "tone.flac", "tone.m4a", "tone.webm"]) {
        const bytes = await fs.readFile(path.join(FIXTURES, name));
        const { response } = await client.audio.transcriptions.create({ model: "whisper-large-v3", file: await toFile(bytes, name) }).withResponse();
        const seconds = (await usageRow(response.headers.get("id")!)).units.audio_seconds!;
        expect(seconds, name).toBeGreaterThanOrEqual(1.5);
        expect(seconds, name).toBeLessThan(1.6);
      }
      const recorded = await fs.readFile(path.join(FIXTURES, "stream.webm"));
      const { response } = await client.audio.transcriptions.create({ model: "whisper-large-v3", file: await toFile(recorded, "rec.webm") }).withResponse();
      expect((await usageRow(response.headers.get("id")!)).units).toEqual({ audio_seconds: 3.5 });
    });

    it("writes text, srt and vtt itself", async () => {
      const file = () => toFile(twoSeconds, "audio.wav");
      const text = await client.audio.transcriptions.create({ model: "whisper-large-v3", file: await file(), response_format: "text" });
      expect(text).toBe(`${TRANSCRIPT}\n`);
      const srt = await client.audio.transcriptions.create({ model: "whisper-large-v3", file: await file(), response_format: "srt" });
      expect(srt).toBe("1\n00:00:00,000 --> 00:00:01,750\nBonjour,\n\n2\n00:00:01,750 --> 00:00:03,500\nceci est un test de transcription audio.\n");
      const res = await upload("/v1/audio/transcriptions", { model: "whisper-large-v3", response_format: "vtt" }, { bytes: twoSeconds, name: "a.wav" });
      expect(res.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
      expect(await res.text()).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:01.750\nBonjour,\n\n00:00:01.750 --> 00:00:03.500\nceci est un test de transcription audio.\n");
    });

    it("takes the reference's initial_prompt and task=translate, and OpenAI's translations route", async () => {
      const res = await upload("/v1/audio/transcriptions", { model: "whisper-large-v3", initial_prompt: "LLMaaS, Cloud Temple", task: "translate" }, { bytes: twoSeconds, name: "a.wav" });
      expect(res.status).toBe(200);
      expect((await res.json()).text).toBe(TRANSLATION);
      expect(engine.calls.at(-1)).toMatchObject({ path: "/v1/audio/translations", body: { prompt: "LLMaaS, Cloud Temple" } });

      const { data, response } = await client.audio.translations.create({ model: "whisper-large-v3", file: await toFile(twoSeconds, "a.wav"), prompt: "Bonjour" }).withResponse();
      expect(data.text).toBe(TRANSLATION);
      expect(engine.calls.at(-1)).toMatchObject({ path: "/v1/audio/translations", body: { prompt: "Bonjour" } });
      expect(await usageRow(response.headers.get("id")!)).toMatchObject({ endpoint: "audio.translations", units: { audio_seconds: 2 } });
    });

    it("asks an engine that refuses verbose_json again for json, and makes the segment itself", async () => {
      const r = (await client.audio.transcriptions.create({ model: "old-whisper", file: await toFile(twoSeconds, "a.wav") })) as unknown as { segments: { start: number; end: number; text: string }[] };
      expect(r.segments).toEqual([expect.objectContaining({ id: 0, start: 0, end: 2, text: TRANSCRIPT })]);
      expect(engine.calls.slice(-2).map((c) => c.body.response_format)).toEqual(["verbose_json", "json"]);
    });

    it("reaches whisper.cpp's /inference", async () => {
      const { data, response } = await client.audio.transcriptions
        .create({ model: "whisper-cpp", file: await toFile(twoSeconds, "a.wav"), language: "fr", response_format: "verbose_json" })
        .withResponse();
      expect(data).toMatchObject({ text: TRANSCRIPT, language: "french", duration: 2 });
      expect((data as unknown as { segments: { seek: number; compression_ratio: number }[] }).segments[0]).toMatchObject({ seek: 0, compression_ratio: 0 });
      expect(whisperCpp.calls.at(-1)).toMatchObject({ path: "/inference", body: { language: "fr", translate: "false", response_format: "verbose_json" } });
      expect(JSON.parse(response.headers.get("backend")!).machine_name).toBe("whisper-cpp-machine");
    });

    it("rejects bad uploads in the envelope", async () => {
      const wav = { bytes: twoSeconds, name: "a.wav" };
      const header = twoSeconds.subarray(0, 44);
      const cases: [Record<string, string>, { bytes: Uint8Array; name: string } | undefined, number, string | null, RegExp][] = [
        [{ model: "whisper-large-v3" }, undefined, 400, "file", /Missing required parameter: 'file'/],
        [{ model: "whisper-large-v3", file: "audio.wav" }, undefined, 400, "file", /must be a file upload/],
        [{}, wav, 400, "model", /Missing required parameter: 'model'/],
        [{ model: "whisper-large-v3" }, { bytes: new TextEncoder().encode("not audio at all"), name: "notes.wav" }, 400, "file", /Invalid file format\. Supported formats: flac/],
        [{ model: "whisper-large-v3" }, { bytes: toneWav(0.02), name: "blip.wav" }, 400, "file", /too short/],
        [{ model: "whisper-large-v3" }, { bytes: header, name: "header-only.wav" }, 400, "file", /could not be read: its wav header is incomplete or corrupt/],
        [{ model: "whisper-large-v3" }, { bytes: twoSeconds.subarray(0, 30), name: "cut.wav" }, 400, "file", /could not be read/],
        [{ model: "whisper-large-v3", response_format: "docx" }, wav, 400, "response_format", /json, text, srt, verbose_json, vtt/],
        [{ model: "whisper-large-v3", task: "summarize" }, wav, 400, "task", /'transcribe' or 'translate'/],
        [{ model: "whisper-large-v3", temperature: "2" }, wav, 400, "temperature", /between 0 and 1/],
        [{ model: "whisper-large-v3", language: "French language" }, wav, 400, "language", /ISO 639-1/],
        [{ model: "chat-only" }, wav, 400, "model", /does not support audio transcription \(it lacks the transcription capability\)/],
        [{ model: "kokoro" }, wav, 400, "model", /lacks the transcription capability/],
        [{ model: "whisper-3000" }, wav, 404, "model", /does not exist/],
      ];
      for (const [fields, file, status, param, message] of cases) {
        const res = await upload("/v1/audio/transcriptions", fields, file);
        const label = `${JSON.stringify(fields)} ${file?.name}`;
        expect(res.status, label).toBe(status);
        const { error } = await res.json();
        expect(error.param, label).toBe(param);
        expect(error.message, label).toMatch(message);
      }

      const big = await upload("/v1/audio/transcriptions", { model: "whisper-large-v3" }, { bytes: toneWav(140), name: "big.wav" });
      expect(big.status).toBe(413);
      expect((await big.json()).error).toMatchObject({ type: "invalid_request_error", code: "file_too_large", message: expect.stringMatching(/Audio file too large: the limit is 2 MB/) });

      const asJson = await postJson("/v1/audio/transcriptions", { model: "whisper-large-v3", file: "x" });
      expect(asJson.status).toBe(400);
      expect((await asJson.json()).error.code).toBe("unsupported_content_type");

      // The SDK's own error for one of them.
      await expect(client.audio.transcriptions.create({ model: "whisper-large-v3", file: await toFile(Buffer.from("%PDF-1.4"), "a.pdf") })).rejects.toMatchObject({
        status: 400,
      });
    });
  });

  describe("speech", () => {
    it("returns the engine's audio with its content type, billed per character", async () => {
      const input = "Bonjour à tous, ceci est un test de synthèse vocale.";
      const { data, response } = await client.audio.speech.create({ model: "kokoro", input, voice: "alloy" }).withResponse();
      expect(response.headers.get("content-type")).toBe("audio/mpeg");
      expect(Buffer.from(await data.arrayBuffer()).toString()).toBe(`fake mp3 audio for: ${input}`);
      expect(engine.calls.at(-1)!.body).toEqual({ model: "kokoro", input, voice: "alloy", response_format: "mp3" });
      const id = response.headers.get("id")!;
      expect(id).toMatch(/^speech-/);
      expect(response.headers.get("backend")).toContain("speaches-machine");

      const row = await usageRow(id);
      expect(row).toMatchObject({ status: 200, endpoint: "audio.speech", units: { characters: [...input].length }, promptTokens: 0 });
      expect(row.costNanos).toBe(BigInt([...input].length) * SPEECH_CHARACTER);
    });

    it("answers every format with the right content type", async () => {
      const wav = await client.audio.speech.create({ model: "kokoro", input: "Salut", voice: "af_bella", response_format: "wav", speed: 1.25 });
      expect(wav.headers.get("content-type")).toBe("audio/wav");
      expect(Buffer.from(await wav.arrayBuffer()).subarray(0, 4).toString()).toBe("RIFF");
      expect(engine.calls.at(-1)!.body).toMatchObject({ speed: 1.25, response_format: "wav" });
      const opus = await client.audio.speech.create({ model: "octet-tts", input: "Salut", voice: "alloy", response_format: "opus" });
      expect(opus.headers.get("content-type")).toBe("audio/ogg");
    });

    it("bills per input token when the model's character price is zero", async () => {
      const input = "Per token, please.";
      const { response } = await client.audio.speech.create({ model: "token-tts", input, voice: "alloy" }).withResponse();
      const tokens = await countCl100k(input);
      const row = await usageRow(response.headers.get("id")!);
      expect(row).toMatchObject({ promptTokens: tokens, units: { characters: input.length } });
      expect(row.costNanos).toBe(BigInt(tokens) * INPUT_TOKEN);
    });

    it("rejects bad requests", async () => {
      const cases: [unknown, number, string | null, RegExp][] = [
        [{ model: "kokoro", voice: "alloy" }, 400, "input", /Missing required parameter: 'input'/],
        [{ model: "kokoro", input: "", voice: "alloy" }, 400, "input", /must not be empty/],
        [{ model: "kokoro", input: "x".repeat(4097), voice: "alloy" }, 400, "input", /at most 4096/],
        [{ model: "kokoro", input: "x", response_format: "ogg" }, 400, "response_format", /mp3, opus, aac, flac, wav, pcm/],
        [{ model: "kokoro", input: "x", speed: 5 }, 400, "speed", /between 0.25 and 4/],
        [{ model: "whisper-large-v3", input: "x" }, 400, "model", /does not support speech synthesis/],
      ];
      for (const [body, status, param, message] of cases) {
        const res = await postJson("/v1/audio/speech", body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
        const { error } = await res.json();
        expect(error.param).toBe(param);
        expect(error.message).toMatch(message);
      }
    });
  });

  describe("images", () => {
    it("answers the openai SDK with base64 images, billed per image", async () => {
      const { data, response } = await client.images
        .generate({ model: "flux", prompt: "Un phare au coucher du soleil", n: 2, size: "512x512", response_format: "b64_json" })
        .withResponse();
      expect(data.data).toHaveLength(2);
      expect(data.data![0]).toEqual({ b64_json: PNG_BASE64, revised_prompt: "Un phare au coucher du soleil (revised)" });
      expect(data.created).toBe(1_750_000_000);
      expect(engine.calls.at(-1)!.body).toEqual({ model: "flux", prompt: "Un phare au coucher du soleil", n: 2, size: "512x512", response_format: "b64_json" });
      const id = response.headers.get("id")!;
      expect(id).toMatch(/^img-/);
      const row = await usageRow(id);
      expect(row).toMatchObject({ status: 200, endpoint: "images.generations", units: { images: 2 }, promptTokens: 0 });
      expect(row.costNanos).toBe(2n * IMAGE);
    });

    it("gives URLs as data: URLs, and never passes on the engine's own links", async () => {
      const r = await client.images.generate({ model: "flux", prompt: "un chat" });
      expect(r.data![0]!.url).toBe(`data:image/png;base64,${PNG_BASE64}`);
      expect(engine.calls.at(-1)!.body.response_format).toBe("b64_json");

      const linked = await client.images.generate({ model: "linker", prompt: "un chien", response_format: "b64_json" });
      expect(linked.data![0]).toEqual({ b64_json: PNG_BASE64 });
      expect(JSON.stringify(linked)).not.toContain("127.0.0.1");
    });

    it("rejects bad requests", async () => {
      const cases: [unknown, number, string | null, RegExp][] = [
        [{ model: "flux" }, 400, "prompt", /Missing required parameter: 'prompt'/],
        [{ model: "flux", prompt: "x", n: 0 }, 400, "n", /between 1 and 10/],
        [{ model: "flux", prompt: "x", n: 11 }, 400, "n", /between 1 and 10/],
        [{ model: "flux", prompt: "x", size: "big" }, 400, "size", /WIDTHxHEIGHT/],
        [{ model: "flux", prompt: "x", response_format: "gif" }, 400, "response_format", /'url' or 'b64_json'/],
        [{ model: "kokoro", prompt: "x" }, 400, "model", /does not support image generation \(it lacks the images capability\)/],
      ];
      for (const [body, status, param, message] of cases) {
        const res = await postJson("/v1/images/generations", body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        const { error } = await res.json();
        expect(error.param).toBe(param);
        expect(error.message).toMatch(message);
      }
    });
  });
});
