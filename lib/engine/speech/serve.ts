import { errorJson } from "../wire";
import { CONTENT_TYPES, SPEECH_FORMATS, type SpeechFormat, encodeSpeech } from "./encode";
import { BUILTIN_SPEECH_MODEL, VoiceError, espeakVoice, speechEngineAvailable, synthesize } from "./espeak";

/** /audio/speech on the embedded backend: the gateway has validated the body already. */
export async function serveSpeech(body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
  if (body.model !== BUILTIN_SPEECH_MODEL) {
    return errorJson(400, `The embedded engine speaks only with '${BUILTIN_SPEECH_MODEL}'`, "model_not_found", "model");
  }
  if (!(await speechEngineAvailable())) {
    return errorJson(503, "The built-in speech engine is not installed on this server (optional package espeak-ng)", "engine_unavailable");
  }
  const format = (body.response_format ?? "mp3") as string;
  if (!(SPEECH_FORMATS as readonly string[]).includes(format)) {
    return errorJson(400, `The built-in speech engine answers in ${SPEECH_FORMATS.join(", ")}; '${format}' needs another speech backend`, "unsupported_value", "response_format");
  }
  const requested = typeof body.voice === "string" ? body.voice : (body.voice as { id?: string } | undefined)?.id;
  let voice: string;
  try {
    voice = espeakVoice(requested);
  } catch (err) {
    return errorJson(400, (err as Error).message, "invalid_value", "voice");
  }
  try {
    const speech = await synthesize({ text: String(body.input ?? ""), voice, speed: typeof body.speed === "number" ? body.speed : 1 });
    signal.throwIfAborted();
    const audio = await encodeSpeech(speech, format as SpeechFormat);
    return new Response(audio as Uint8Array<ArrayBuffer>, { status: 200, headers: { "content-type": CONTENT_TYPES[format as SpeechFormat], "content-length": String(audio.length) } });
  } catch (err) {
    if (err instanceof VoiceError) return errorJson(400, err.message, "invalid_value", "voice");
    throw err;
  }
}
