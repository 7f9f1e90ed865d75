import { backendFetch, describeFetchError } from "./http";
import { rerankOrTei } from "./tei";
import { type BackendConfig, type EngineAdapter, type UpstreamCall, UpstreamUnavailable } from "./types";
import { transcribeOrFallback } from "./whisper-cpp";

const TRANSCRIPTION_PATHS = new Set(["/audio/transcriptions", "/audio/translations"]);
/** Answers read whole as JSON when not streamed: collected as they come (see backendFetch's `buffered`). */
const JSON_ANSWERS = new Set(["/chat/completions", "/completions", "/embeddings"]);

/**
 * vLLM, llama.cpp server, SGLang, LocalAI, TGI, TEI, Whisper servers, or a
 * hosted OpenAI-compatible API. Servers without an OpenAI route for a call
 * are reached on their native one when the OpenAI route is missing: TEI's
 * /rerank, whisper.cpp's /inference.
 */
export const openaiAdapter: EngineAdapter = {
  async call(backend, call) {
    const res = await post(backend, call, call.path, call.body);
    const postRoot: Post = (path, body) => post(backend, call, path, body, true);
    if (call.path === "/rerank") return rerankOrTei(res, call, postRoot);
    if (TRANSCRIPTION_PATHS.has(call.path) && call.body instanceof FormData) {
      return transcribeOrFallback(res, call, (path, body) => post(backend, call, path, body), postRoot);
    }
    return res;
  },

  async probe(backend, signal) {
    const res = await backendFetch(backend, "/models", { signal });
    await res.body?.cancel();
    // Servers without OpenAI's model list (TEI, whisper.cpp) answer 404: they are up and let the gateway in all the same.
    if (!res.ok && res.status !== 404) throw new UpstreamUnavailable(`health check answered ${res.status}`, res.status);
  },
};

/** One POST to the engine; a connection failure marks it unavailable so another replica is tried. */
async function post(backend: BackendConfig, call: UpstreamCall, path: string, body: UpstreamCall["body"], fromRoot = false): Promise<Response> {
  const isForm = body instanceof FormData;
  // Serialised before the call: a body that cannot be is the request's fault, never the backend's.
  const payload = isForm ? body : JSON.stringify(body);
  try {
    return await backendFetch(backend, path, {
      method: "POST",
      headers: isForm ? {} : { "content-type": "application/json" },
      body: payload,
      signal: call.signal,
      fromRoot,
      buffered: !isForm && !call.stream && !fromRoot && JSON_ANSWERS.has(path),
    });
  } catch (err) {
    if (call.signal.aborted) throw err;
    throw new UpstreamUnavailable(describeFetchError(err));
  }
}

export type Post = (path: string, body: UpstreamCall["body"]) => Promise<Response>;
