import { z } from "zod";
import { fetchBackendFile } from "../../backends/http";
import { AppError } from "../../errors";
import { type Json, modelEndpoint } from "../endpoint";
import { modelField, required } from "../schemas";

const imagesSchema = z.looseObject({
  model: modelField,
  prompt: z.string(required("a string")).min(1, "must not be empty").max(32_000, "must be at most 32000 characters"),
  n: z.number(required("an integer")).int("must be an integer").min(1, "must be between 1 and 10").max(10, "must be between 1 and 10").optional(),
  size: z
    .string({ error: "must be a string such as '1024x1024'" })
    .regex(/^(auto|\d{2,5}x\d{2,5})$/, "must be 'auto' or WIDTHxHEIGHT, such as '1024x1024'")
    .optional(),
  response_format: z.enum(["url", "b64_json"], { error: "must be 'url' or 'b64_json'" }).optional(),
  user: z.string({ error: "must be a string" }).optional(),
});

const MIME: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", jpg: "image/jpeg", webp: "image/webp" };

/**
 * Image generation, billed per image made. Backends are always asked for
 * base64: their URLs point inside the platform's network. A client that asks
 * for a URL gets the image as a data: URL.
 */
export const imageGenerations = modelEndpoint({
  name: "images.generations",
  method: "POST",
  path: "/v1/images/generations",
  idPrefix: "img",
  capability: "images",
  schema: imagesSchema,
  prepare: (body) => ({ body, n: body.n ?? 1 }),
  worstCase: ({ n }) => ({ promptTokens: 0, units: { images: n } }),
  call: ({ body, n }, t) => ({ path: "/images/generations", body: { ...body, model: t.upstreamId, n, response_format: "b64_json" } }),
  async reply(answer, { body }, c) {
    const data = await answer.json();
    const items = Array.isArray(data.data) ? (data.data as Json[]) : [];
    const images = await Promise.all(
      items.map(async (item) => {
        if (typeof item.b64_json === "string") return { b64: item.b64_json, revised: item.revised_prompt };
        if (typeof item.url !== "string") return null;
        const inline = /^data:[^;,]*;base64,(.*)$/s.exec(item.url);
        if (inline) return { b64: inline[1]!, revised: item.revised_prompt };
        const bytes = await fetchBackendFile(answer.target.backend, item.url, c.settings.maxBodyBytes, c.signal).catch(() => null);
        return bytes ? { b64: Buffer.from(bytes).toString("base64"), revised: item.revised_prompt } : null;
      }),
    );
    if (images.length === 0 || images.some((i) => !i)) {
      throw new AppError(502, "server_error", "The model's backend sent an answer without the images", null, "upstream_invalid");
    }
    const mime = MIME[String(body.output_format ?? "png")] ?? "image/png";
    return {
      usage: { units: { images: images.length } },
      body: {
        created: typeof data.created === "number" ? data.created : Math.floor(Date.now() / 1000),
        data: images.map((i) => ({
          // OpenAI's default is a URL.
          ...(body.response_format !== "b64_json" ? { url: `data:${mime};base64,${i!.b64}` } : { b64_json: i!.b64 }),
          ...(typeof i!.revised === "string" ? { revised_prompt: i!.revised } : {}),
        })),
      },
    };
  },
});
