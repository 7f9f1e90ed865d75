import { listModels } from "../models/manage";
import { audit } from "../audit/audit";
import { AppError } from "../errors";
import { safeSummary, upstreamFailure } from "../gateway/scrub";
import { backendFetch } from "./http";
import { readBackendKey, requireBackend } from "./registry";
import type { BackendRouter } from "./router";
import type { BackendConfig } from "./types";

export interface BackendTestResult {
  ok: boolean;
  /** What was sent: a short chat, an embedding, or only the health check (no model on the backend yet). */
  kind: "chat" | "embeddings" | "health";
  /** The public model id asked, when one was. */
  model: string | null;
  /** The model's answer, a description of the vector, or what the backend lists. */
  answer: string | null;
  /** From sending the request to the whole answer. */
  ms: number;
  /** What went wrong, in the gateway's own words: never an upstream address, body or secret. */
  error: string | null;
}

type Json = Record<string, unknown>;
const TEST_TIMEOUT_MS = 30_000;
const PROMPT = "Reply with one short sentence: are you up?";

/** The names the backend itself offers (OpenAI's /models or Ollama's /api/tags); empty when it lists none. */
async function upstreamModels(b: BackendConfig, signal: AbortSignal): Promise<string[]> {
  if (b.engine === "embedded") return [];
  const res = await backendFetch(b, b.engine === "ollama" ? "/api/tags" : "/models", { signal });
  if (!res.ok) {
    await res.body?.cancel();
    return [];
  }
  const body = (await res.json().catch(() => ({}))) as { data?: { id?: unknown }[]; models?: { name?: unknown }[] };
  const names = b.engine === "ollama" ? (body.models ?? []).map((m) => m.name) : (body.data ?? []).map((m) => m.id);
  return names.filter((n): n is string => typeof n === "string").slice(0, 50);
}

function failure(err: unknown, secrets: (string | null)[]): string {
  const e = err as { name?: string; message?: string };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `No answer within ${TEST_TIMEOUT_MS / 1000} s`;
  const said = safeSummary(String(e?.message ?? ""), secrets);
  return said ? `The backend could not be reached (${said})` : "The backend could not be reached";
}

/**
 * Send a real, small request to a backend, outside routing and billing: a
 * short chat to a chat model it serves, else an embedding, else only its
 * health check and the models it lists. Errors are worded as the gateway
 * words them to clients. Audited as backend.test.
 */
export async function testBackend(ref: { id?: string; name?: string }, router: BackendRouter): Promise<BackendTestResult> {
  const row = await requireBackend(ref);
  const backend: BackendConfig = { ...row, apiKey: readBackendKey(row.apiKey, row.name) };
  const secrets = [backend.apiKey, backend.baseUrl];
  const served = (await listModels()).flatMap((m) => m.backends.filter((b) => b.id === row.id).map((b) => ({ model: m, upstreamId: b.upstreamId })));
  const chat = served.find((s) => s.model.capabilities.includes("chat"));
  const embed = served.find((s) => s.model.capabilities.includes("embeddings"));
  const adapter = router.adapter(backend.engine);
  const signal = AbortSignal.timeout(Math.min(backend.timeoutMs, TEST_TIMEOUT_MS));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let result: BackendTestResult;
  try {
    if (!adapter) throw new Error("no adapter");
    if (chat || embed) {
      const target = (chat ?? embed)!;
      const kind = chat ? "chat" : "embeddings";
      const body = chat
        ? { model: target.upstreamId, messages: [{ role: "user", content: PROMPT }], max_tokens: 32, stream: false }
        : { model: target.upstreamId, input: "llmaas backend test" };
      const res = await adapter.call(backend, { path: chat ? "/chat/completions" : "/embeddings", body, stream: false, signal });
      const text = await res.text();
      if (!res.ok) throw upstreamFailure(res.status, text, secrets);
      let json: Json;
      try {
        json = JSON.parse(text) as Json;
      } catch {
        throw new AppError(502, "server_error", "The backend's answer is not JSON", null, "upstream_invalid");
      }
      const answer = chat
        ? String(((json.choices as Json[] | undefined)?.[0]?.message as Json | undefined)?.content ?? "").trim().slice(0, 500)
        : `A vector of ${(((json.data as Json[] | undefined)?.[0]?.embedding as unknown[] | undefined) ?? []).length} dimensions`;
      result = { ok: true, kind, model: target.model.id, answer, ms: elapsed(), error: null };
    } else {
      await adapter.probe(backend, signal);
      const names = await upstreamModels(backend, signal).catch(() => []);
      const answer = names.length ? `Up. It offers ${names.join(", ")}. Put a model on it to send it a request.` : "Up. Put a model on it to send it a request.";
      result = { ok: true, kind: "health", model: null, answer, ms: elapsed(), error: null };
    }
  } catch (err) {
    const message = err instanceof AppError ? err.message : failure(err, secrets);
    result = { ok: false, kind: chat ? "chat" : embed ? "embeddings" : "health", model: (chat ?? embed)?.model.id ?? null, answer: null, ms: elapsed(), error: message };
  }
  await audit({ accountId: null, action: "backend.test", objectType: "backend", objectId: row.id, after: { name: row.name, ok: result.ok, kind: result.kind, model: result.model, ms: result.ms, error: result.error } });
  return result;
}
