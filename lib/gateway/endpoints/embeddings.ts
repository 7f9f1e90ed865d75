import { z } from "zod";
import { AppError, badRequest } from "../../errors";
import { estimateTokens } from "../answer";
import { type Json, modelEndpoint } from "../endpoint";
import { modelField, required } from "../schemas";
import { CL100K_VOCABULARY, decodeCl100k } from "../tokenizer";

const MAX_INPUTS = 2048;

export const embeddingsSchema = z.looseObject({
  model: modelField,
  input: z.unknown().optional(),
  encoding_format: z.enum(["float", "base64"], { error: "must be 'float' or 'base64'" }).optional(),
  dimensions: z.number(required("an integer")).int("must be an integer").min(1, "must be a positive integer").optional(),
  user: z.string({ error: "must be a string" }).optional(),
});

const invalidInput = (param: string, message: string) => badRequest(`Invalid parameter '${param}': ${message}`, param, "invalid_parameter");
const SHAPES = `must be a non-empty string, an array of up to ${MAX_INPUTS} strings, an array of token ids, or an array of arrays of token ids`;

function checkTokens(ids: unknown[], param: string): number[] {
  if (ids.length === 0) throw invalidInput(param, "must not be an empty array");
  ids.forEach((id, i) => {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= CL100K_VOCABULARY) {
      throw invalidInput(`${param}[${i}]`, `must be a cl100k_base token id, an integer from 0 to ${CL100K_VOCABULARY - 1}`);
    }
  });
  return ids as number[];
}

/**
 * The texts to embed, from any of OpenAI's input shapes. Token ids are
 * cl100k_base ids (what OpenAI clients such as LangChain send); backends'
 * own tokenizers differ, so they are decoded and every backend gets text.
 */
async function readInput(input: unknown): Promise<{ texts: string[]; tokens: number }> {
  if (input === undefined) throw badRequest("Missing required parameter: 'input'", "input", "missing_required_parameter");
  if (typeof input === "string") {
    if (!input) throw invalidInput("input", "must not be an empty string");
    return { texts: [input], tokens: estimateTokens(input.length) };
  }
  if (!Array.isArray(input) || input.length === 0) throw invalidInput("input", SHAPES);
  if (input.length > MAX_INPUTS) throw invalidInput("input", `must have at most ${MAX_INPUTS} items`);
  if (typeof input[0] === "number") {
    const ids = checkTokens(input, "input");
    return { texts: [await decodeCl100k(ids)], tokens: ids.length };
  }
  if (Array.isArray(input[0])) {
    const lists = input.map((l, i) => {
      if (!Array.isArray(l)) throw invalidInput(`input[${i}]`, "must be an array of token ids, like the other items");
      return checkTokens(l, `input[${i}]`);
    });
    return { texts: await Promise.all(lists.map(decodeCl100k)), tokens: lists.reduce((n, l) => n + l.length, 0) };
  }
  input.forEach((t, i) => {
    if (typeof t !== "string") throw invalidInput(`input[${i}]`, "must be a string, like the other items");
    if (!t) throw invalidInput(`input[${i}]`, "must not be an empty string");
  });
  const texts = input as string[];
  return { texts, tokens: texts.reduce((n, t) => n + estimateTokens(t.length), 0) };
}

/** A vector as float32 little-endian bytes in base64, as OpenAI encodes it. */
function toBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

function toFloats(embedding: unknown): number[] | null {
  if (Array.isArray(embedding)) return embedding.every((x) => typeof x === "number") ? (embedding as number[]) : null;
  if (typeof embedding !== "string") return null;
  const bytes = Buffer.from(embedding, "base64");
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2).slice());
}

export const embeddings = modelEndpoint({
  name: "embeddings",
  method: "POST",
  path: "/v1/embeddings",
  idPrefix: "embd",
  capability: "embeddings",
  schema: embeddingsSchema,
  prepare: async (body) => ({ body, input: await readInput(body.input) }),
  worstCase: ({ input }) => ({ promptTokens: input.tokens }),
  call: ({ body, input }, t) => ({
    path: "/embeddings",
    body: {
      model: t.upstreamId,
      input: typeof body.input === "string" ? input.texts[0] : input.texts,
      // Vectors are re-encoded here: not every engine can send base64.
      encoding_format: "float",
      ...(body.dimensions ? { dimensions: body.dimensions } : {}),
      ...(body.user ? { user: body.user } : {}),
    },
  }),
  async reply(answer, { body, input }) {
    const data = await answer.json();
    const items = (Array.isArray(data.data) ? (data.data as Json[]) : []).map((item, i) => ({
      index: typeof item.index === "number" ? item.index : i,
      vector: toFloats(item.embedding),
    }));
    if (items.length !== input.texts.length || items.some((i) => !i.vector)) {
      throw new AppError(502, "server_error", "The model's backend sent an answer without one embedding per input", null, "upstream_invalid");
    }
    if (body.dimensions && items.some((i) => i.vector!.length !== body.dimensions)) {
      throw badRequest(
        `Invalid parameter 'dimensions': model '${body.model}' makes vectors of ${items[0]!.vector!.length} dimensions and cannot shorten them`,
        "dimensions",
        "invalid_parameter",
      );
    }
    items.sort((a, b) => a.index - b.index);

    const usage = (data.usage ?? {}) as Json;
    const reported = Number(usage.prompt_tokens ?? usage.total_tokens);
    const counted = Number.isFinite(reported) && reported > 0;
    const tokens = counted ? reported : input.tokens;
    const base64 = body.encoding_format === "base64";
    return {
      usage: { promptTokens: tokens, estimated: !counted },
      body: {
        object: "list",
        data: items.map((i) => ({ object: "embedding", index: i.index, embedding: base64 ? toBase64(i.vector!) : i.vector })),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  },
});
