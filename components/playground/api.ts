/*
 * The browser's side of the console proxy: every call goes to
 * /api/console/v1/..., which the server answers through the gateway with the
 * signed-in user's console key. The browser never holds an API key.
 */

export const CONSOLE_API = "/api/console/v1";

/** An error the API answered with, in its envelope's words. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly type: string | null,
  ) {
    super(message);
  }

  /** What the person can do about it, when there is something to do. */
  get hint(): string | null {
    if (this.code === "not_signed_in") return "Reload the page to sign in again.";
    if (this.code === "insufficient_quota") return "Ask an administrator of your account to add credit.";
    if (this.code === "monthly_budget_exceeded") return "The month's budget is spent: raise it, or wait for next month.";
    if (this.code === "rate_limit_exceeded") return "Wait until the limit resets, or ask for a higher tier.";
    if (this.code === "unknown_url" || this.status === 404 && this.type === "invalid_request_error" && /Unknown endpoint/.test(this.message))
      return "This platform does not serve this endpoint yet.";
    if (this.code === "no_backend_available") return "Every backend of this model is down or busy: try again shortly, or pick another model.";
    if (this.code === "model_capability_missing") return "Pick a model that has this capability.";
    return null;
  }
}

/** Turn a failed response into an ApiError, whatever its body. */
export async function apiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { message?: string; code?: string | null; type?: string | null } };
    if (body.error?.message) return new ApiError(body.error.message, res.status, body.error.code ?? null, body.error.type ?? null);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(`The server answered ${res.status} ${res.statusText}`.trim(), res.status, null, null);
}

/** A network failure (server gone, connection reset) as an ApiError. */
export function networkError(err: unknown): ApiError {
  return new ApiError(`Could not reach the server: ${(err as Error)?.message ?? String(err)}`, 0, "network_error", null);
}

/** POST JSON to an API endpoint and return the parsed answer and its headers. */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<{ data: T; headers: Headers; latencyMs: number }> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(`${CONSOLE_API}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  } catch (err) {
    if ((err as Error)?.name === "AbortError") throw err;
    throw networkError(err);
  }
  if (!res.ok) throw await apiError(res);
  const data = (await res.json()) as T;
  return { data, headers: res.headers, latencyMs: Math.round(performance.now() - started) };
}

/** The engine and machine that served a request, from the `backend` header. */
export function backendOf(headers: Headers): string | null {
  const raw = headers.get("backend");
  if (!raw) return null;
  try {
    const b = JSON.parse(raw) as { engine_type?: string; machine_name?: string };
    return [b.engine_type, b.machine_name].filter(Boolean).join(" on ") || null;
  } catch {
    return null;
  }
}
