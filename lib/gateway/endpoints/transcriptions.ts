import { z } from "zod";
import { AppError, badRequest } from "../../errors";
import { type Segment, inspectAudio, toSrt, toVtt } from "../audio";
import { readFormBody } from "../body";
import { type Json, modelEndpoint } from "../endpoint";
import type { ApiRequest } from "../wire";
import { modelField, range } from "../schemas";

const number = (schema: z.ZodType) => z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), schema);

const transcriptionSchema = z.looseObject({
  model: modelField,
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$/, "must be an ISO 639-1 language code such as 'fr'")
    .optional(),
  prompt: z.string().optional(),
  /** The reference's name for OpenAI's `prompt`. */
  initial_prompt: z.string().optional(),
  task: z.enum(["transcribe", "translate"], { error: "must be 'transcribe' or 'translate'" }).optional(),
  response_format: z.enum(["json", "text", "srt", "verbose_json", "vtt"], { error: "must be one of json, text, srt, verbose_json, vtt" }).optional(),
  temperature: number(range(0, 1)).optional(),
  /** Checked as it is read (readUpload). */
  file: z.custom<File>(),
});

/** The form's text fields (the last value of each) and its file. */
async function readUpload(request: ApiRequest, maxAudioBytes: number): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    // The other fields are small: a little room beyond the file's limit is enough for them.
    form = await readFormBody(request, maxAudioBytes + 64 * 1024);
  } catch (err) {
    if (err instanceof AppError && err.status === 413) throw audioTooLarge(maxAudioBytes);
    throw err;
  }
  const fields: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") fields[k] = v;
  const file = form.get("file");
  if (file === null) throw badRequest("Missing required parameter: 'file'", "file", "missing_required_parameter");
  if (typeof file === "string") throw badRequest("Invalid parameter 'file': must be a file upload, not a text field", "file", "invalid_parameter");
  if (file.size > maxAudioBytes) throw audioTooLarge(maxAudioBytes);
  return { ...fields, file };
}

const audioTooLarge = (limit: number) =>
  new AppError(413, "invalid_request_error", `Audio file too large: the limit is ${Math.floor(limit / 1024 / 1024)} MB (${limit} bytes)`, "file", "file_too_large");

function segmentsOf(answer: Json, text: string, duration: number): Segment[] {
  const num = (v: unknown, d = 0) => (typeof v === "number" && Number.isFinite(v) ? v : d);
  if (!Array.isArray(answer.segments)) return text ? [{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 0, no_speech_prob: 0 }] : [];
  return (answer.segments as Json[]).map((s, i) => ({
    id: num(s.id, i),
    seek: num(s.seek),
    start: num(s.start),
    end: num(s.end, duration),
    text: String(s.text ?? ""),
    tokens: Array.isArray(s.tokens) ? (s.tokens as unknown[]).filter((t): t is number => typeof t === "number") : [],
    temperature: num(s.temperature),
    avg_logprob: num(s.avg_logprob),
    compression_ratio: num(s.compression_ratio),
    no_speech_prob: num(s.no_speech_prob),
  }));
}

/**
 * Speech to text. The backend is always asked for verbose_json, so every
 * format (the reference's json with segments, text, srt, vtt, verbose_json)
 * is made here whatever the backend can write. Billed per started minute of
 * the audio's own duration.
 */
function transcriptionEndpoint(kind: "transcriptions" | "translations") {
  return modelEndpoint({
    name: `audio.${kind}`,
    method: "POST",
    path: `/v1/audio/${kind}`,
    idPrefix: kind === "transcriptions" ? "trsc" : "trsl",
    capability: "transcription",
    read: (request, settings) => readUpload(request, settings.maxAudioBytes),
    schema: transcriptionSchema,
    prepare: async (body) => ({
      body,
      audio: await inspectAudio(body.file),
      translate: kind === "translations" || body.task === "translate",
    }),
    // Without a duration in the file, a floor of 6 kbit/s bounds what it can hold.
    worstCase: ({ body, audio }) => ({ promptTokens: 0, units: { audio_seconds: audio.duration ?? body.file.size / 750 } }),
    call({ body, audio, translate }, t) {
      const prompt = body.prompt ?? body.initial_prompt;
      const form = new FormData();
      form.append("file", body.file, body.file.name || `audio.${audio.format}`);
      form.append("model", t.upstreamId);
      form.append("response_format", "verbose_json");
      if (body.language && !translate) form.append("language", body.language);
      if (prompt) form.append("prompt", prompt);
      if (body.temperature !== undefined) form.append("temperature", String(body.temperature));
      return { path: translate ? "/audio/translations" : "/audio/transcriptions", body: form };
    },
    async reply(answer, { body, audio, translate }) {
      const data = await answer.json();
      const text = String(data.text ?? "").trim();
      // A file without its duration (a recorder's WebM) is billed for what the platform's own engine heard.
      const reported = Number(data.duration);
      const heard = Array.isArray(data.segments) ? Math.max(0, ...(data.segments as Json[]).map((s) => Number(s.end) || 0)) : 0;
      const duration = audio.duration ?? (Number.isFinite(reported) && reported > 0 ? reported : heard);
      const segments = segmentsOf(data, text, duration);
      const usage = { units: { audio_seconds: Math.round(duration * 1000) / 1000 } };

      const language = String(data.language ?? body.language ?? (translate ? "en" : ""));
      const billed = { type: "duration", seconds: Math.ceil(duration) };
      switch (body.response_format ?? "json") {
        case "text":
          return { usage, body: `${text}\n`, type: "text/plain; charset=utf-8" };
        case "srt":
          return { usage, body: toSrt(segments), type: "text/plain; charset=utf-8" };
        case "vtt":
          return { usage, body: toVtt(segments), type: "text/vtt; charset=utf-8" };
        case "verbose_json":
          return {
            usage,
            body: {
              task: translate ? "translate" : "transcribe",
              language,
              duration,
              text,
              segments,
              ...(Array.isArray(data.words) ? { words: data.words } : {}),
              usage: billed,
            },
          };
        default:
          return { usage, body: { text, segments, language, usage: billed } };
      }
    },
  });
}

export const transcriptions = transcriptionEndpoint("transcriptions");
export const translations = transcriptionEndpoint("translations");
