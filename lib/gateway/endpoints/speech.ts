import { z } from "zod";
import type { Dispatched } from "../../backends/router";
import { readJsonBody, validate } from "../body";
import type { Endpoint } from "../pipeline";
import { upstreamError } from "../relay";
import { modelField, range, required } from "../schemas";
import { countCl100k } from "../tokenizer";
import { dispatchCall, reserveUnits } from "../upstream";

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

/** The backend's audio, passed on as it arrives; the backend's slot is freed when it ends. */
function relayAudio(d: Dispatched, contentType: string): Response {
  const reader = d.response.body!.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          d.release();
        } else controller.enqueue(value);
      } catch (err) {
        d.release();
        controller.error(err);
      }
    },
    async cancel() {
      d.release();
      await reader.cancel().catch(() => {});
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": contentType } });
}

/**
 * Text to speech. Billed per input character, or per input token (cl100k_base)
 * for a model whose character price is zero: the price list decides.
 */
export const speech: Endpoint = {
  name: "audio.speech",
  method: "POST",
  path: "/v1/audio/speech",
  idPrefix: "speech",
  async handle(ctx, gw) {
    const body = validate(speechSchema, await readJsonBody(ctx.request, gw.options.maxBodyBytes));
    const model = await gw.resolveModel(ctx, body.model, "speech");
    const characters = [...body.input].length;
    const prices = gw.options.prices;
    await prices?.ready();
    const perToken = prices ? prices.price(model.id, "speech_character") === 0n : false;
    const tokens = perToken ? await countCl100k(body.input) : 0;
    await reserveUnits(ctx, gw, model, { promptTokens: tokens, units: { characters } });

    const format = body.response_format ?? "mp3";
    const d = await dispatchCall(ctx, gw, model, "/audio/speech", (t) => ({ ...body, model: t.upstreamId, response_format: format }));
    if (d.response.status >= 400) {
      try {
        throw await upstreamError(d);
      } finally {
        d.release();
      }
    }
    ctx.usage.units = { characters };
    ctx.usage.promptTokens = tokens;
    const upstreamType = d.response.headers.get("content-type") ?? "";
    // Engines that stream speech as events (stream_format "sse") say so; others may send no audio type at all.
    return relayAudio(d, /^(audio\/|text\/event-stream)/i.test(upstreamType) ? upstreamType : CONTENT_TYPES[format]);
  },
};
