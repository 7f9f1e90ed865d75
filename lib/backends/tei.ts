import { keep } from "./http";
import type { Post } from "./openai";
import type { UpstreamCall } from "./types";

type Json = Record<string, unknown>;

/**
 * Rerank answers in one shape ({results: [{index, relevance_score}], usage})
 * whatever served them: vLLM, llama.cpp and Jina-style servers answer
 * /v1/rerank so already; Hugging Face TEI only has /rerank at its root, with
 * {query, texts} in and [{index, score}] out.
 */
export async function rerankOrTei(res: Response, call: UpstreamCall, postRoot: Post): Promise<Response> {
  if (res.status !== 404 && res.status !== 405 && res.status !== 422) return res;
  const first = await keep(res);
  // A 422 is TEI itself when it was registered at its root: it names the field the OpenAI-style body lacked.
  if (res.status === 422 && !/\btexts\b/.test(await first.clone().text())) return first;
  const tei = await teiRerank(call, postRoot);
  if (tei.status === 404 || tei.status === 405 || tei.status === 422) {
    await tei.body?.cancel();
    return first; // not TEI either: the first answer says what is wrong
  }
  return tei;
}

async function teiRerank(call: UpstreamCall, postRoot: Post): Promise<Response> {
  const body = call.body as Json;
  const res = await postRoot("/rerank", { query: body.query, texts: body.documents, truncate: true, raw_scores: false, return_text: false });
  if (!res.ok) return res;
  const scores = (await res.json()) as { index: number; score: number }[];
  if (!Array.isArray(scores)) return res;
  const results = scores.map((s) => ({ index: s.index, relevance_score: s.score }));
  return new Response(JSON.stringify({ object: "list", model: body.model, results }), { status: 200, headers: { "content-type": "application/json" } });
}
