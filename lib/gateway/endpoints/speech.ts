import { z } from "zod";
import { modelEndpoint } from "../endpoint";
import { modelField, range, required } from "../schemas";
import { countCl100k } from "../tokenizer";

const MAX_INPUT = 4096;

const CONTENT_TYPES = { mp3: "audio/mpeg", opus: "audio/ogg", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm" } as const;

const speechSchema = z.looseObject({
  model: modelField,
  input: z.string(required("a string")).min(1, "must not be empty").max(MAX_INPUT, `must be at most ${MAX_INPUT} characters`),
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string() })], { error: "must be a voice name or {\"id\": ...}" }).optional(),
  response_format: z.enum(["mp3", "opus", "aac", "flac", "wav", "pcm"], { error: "must be one of mp3, opus, aac, flac, wav, pcm" }).optional(),
  speed: range(0.25, 4).optional(),
  instructions: z.string({ error: "must be a string" }).optional(),
});

/**
 * Text to speech. Billed per input character, or per input token (cl100k_base)
 * for a model whose character price is zero: the price list decides. The
 * audio is passed on as it arrives.
 */
export const speech = modelEndpoint({
  name: "audio.speech",
  method: "POST",
  path: "/v1/audio/speech",
  idPrefix: "speech",
  capability: "speech",
  schema: speechSchema,
  async prepare(body, model, settings) {
    const prices = settings.prices;
    await prices?.ready();
    const perToken = prices ? prices.price(model.id, "speech_character") === 0n : false;
    return { body, characters: [...body.input].length, tokens: perToken ? await countCl100k(body.input) : 0, format: body.response_format ?? "mp3" };
  },
  worstCase: (p) => ({ promptTokens: p.tokens, units: { characters: p.characters } }),
  call: ({ body, format }, t) => ({ path: "/audio/speech", body: { ...body, model: t.upstreamId, response_format: format } }),
  reply(answer, { characters, tokens, format }) {
    const upstreamType = answer.headers.get("content-type") ?? "";
    return {
      usage: { units: { characters }, promptTokens: tokens },
      body: answer.stream(),
      // Engines that stream speech as events (stream_format "sse") say so; others may send no audio type at all.
      type: /^(audio\/|text\/event-stream)/i.test(upstreamType) ? upstreamType : CONTENT_TYPES[format],
    };
  },
});
