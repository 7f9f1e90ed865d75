import { z } from "zod";
import { AppError, badRequest } from "../../errors";
import { estimateTokens } from "../answer";
import { type Json, modelEndpoint } from "../endpoint";
import { modelField, required } from "../schemas";

const MAX_DOCUMENTS = 1000;

const rerankSchema = z.looseObject({
  model: modelField,
  query: z.string(required("a string")).min(1, "must not be empty"),
  documents: z
    .array(z.union([z.string(), z.looseObject({})], { error: "must be a string or an object with a 'text' string" }), required("an array of documents"))
    .min(1, "must contain at least one document")
    .max(MAX_DOCUMENTS, `must contain at most ${MAX_DOCUMENTS} documents`),
  top_n: z.number(required("an integer")).int("must be an integer").min(1, "must be a positive integer").optional(),
  return_documents: z.boolean({ error: "must be a boolean" }).optional(),
  rank_fields: z.array(z.string(), { error: "must be an array of field names" }).min(1, "must name at least one field").optional(),
});

/** The text a document is ranked on: the string itself, its `text`, or its `rank_fields` one per line (as Cohere does). */
function rankedText(doc: string | Json, i: number, fields: string[] | undefined): string {
  if (typeof doc === "string") return doc;
  if (fields) {
    const lines = fields.filter((f) => doc[f] !== undefined).map((f) => `${f}: ${typeof doc[f] === "string" ? doc[f] : JSON.stringify(doc[f])}`);
    if (lines.length) return lines.join("\n");
    throw badRequest(`Invalid parameter 'documents[${i}]': has none of the fields in 'rank_fields'`, `documents[${i}]`, "invalid_parameter");
  }
  if (typeof doc.text === "string") return doc.text;
  throw badRequest(`Invalid parameter 'documents[${i}]': must be a string or an object with a 'text' string`, `documents[${i}]`, "invalid_parameter");
}

/** The texts ranked, one per document (a document that has none is refused). */
const rankedTexts = (body: { documents: (string | Json)[]; rank_fields?: string[] }) => body.documents.map((d, i) => rankedText(d, i, body.rank_fields));

/**
 * Cohere-compatible reranking. Version 1 returns each document's text by
 * default, as the reference shows; version 2 only when asked. Search units
 * are one per document, as in the reference; the price is per reranked token.
 */
function rerankEndpoint(version: 1 | 2) {
  return modelEndpoint({
    name: version === 1 ? "rerank" : "rerank.v2",
    method: "POST",
    path: `/v${version}/rerank`,
    idPrefix: "rerank",
    capability: "rerank",
    schema: rerankSchema,
    check: (body) => void rankedTexts(body),
    prepare(body) {
      const texts = rankedTexts(body);
      // A cross-encoder reads the query with every document; a token is at least one UTF-8 byte.
      const queryBytes = Buffer.byteLength(body.query);
      return {
        body,
        texts,
        worstTokens: texts.reduce((n, t) => n + queryBytes + Buffer.byteLength(t) + 8, 0),
        estimate: texts.reduce((n, t) => n + estimateTokens(body.query.length + t.length), 0),
      };
    },
    worstCase: (p) => ({ promptTokens: p.estimate, units: { search_units: p.texts.length, rerank_tokens: p.worstTokens } }),
    call: ({ body, texts }, t) => ({
      path: "/rerank",
      body: {
        model: t.upstreamId,
        query: body.query,
        documents: texts,
        ...(body.top_n ? { top_n: Math.min(body.top_n, texts.length) } : {}),
      },
    }),
    async reply(answer, { body, texts, estimate }, c) {
      const docs = body.documents;
      const data = await answer.json();
      const raw = (Array.isArray(data.results) ? data.results : Array.isArray(data.data) ? data.data : []) as Json[];
      const results = raw.map((r) => ({ index: Number(r.index), score: Number(r.relevance_score ?? r.score) }));
      if (results.length === 0 || results.some((r) => !Number.isInteger(r.index) || r.index < 0 || r.index >= docs.length || !Number.isFinite(r.score))) {
        throw new AppError(502, "server_error", "The model's backend sent an answer without a score per document", null, "upstream_invalid");
      }
      results.sort((a, b) => b.score - a.score);

      const usage = (data.usage ?? {}) as Json;
      const reported = Number(usage.total_tokens ?? usage.prompt_tokens);
      const tokens = Number.isFinite(reported) && reported > 0 ? reported : estimate;
      const searchUnits = texts.length;
      const withDocuments = body.return_documents ?? version === 1;
      const billed = { search_units: searchUnits };
      return {
        usage: { estimated: tokens !== reported, promptTokens: tokens, units: { search_units: searchUnits, rerank_tokens: tokens } },
        body: {
          id: c.requestId,
          model: body.model,
          results: results.slice(0, body.top_n ?? results.length).map((r) => ({
            index: r.index,
            relevance_score: r.score,
            ...(withDocuments ? { document: typeof docs[r.index] === "string" ? { text: docs[r.index] } : docs[r.index] } : {}),
          })),
          meta: { api_version: { version: String(version) }, billed_units: billed },
          usage: { billed_units: billed, total_tokens: tokens },
        },
      };
    },
  });
}

export const rerankV1 = rerankEndpoint(1);
export const rerankV2 = rerankEndpoint(2);
