/*
 * Concurrent clients for fault tests and the soak: each sends chat requests
 * one after another, streamed and not in turn, until told to stop, and
 * records what became of every request.
 */

export type Outcome = "answered" | "cut" | "connection_error" | "error_status";

export interface Sent {
  client: number;
  url: string;
  stream: boolean;
  outcome: Outcome;
  status: number | null;
  requestId: string | null;
  errorCode: string | null;
  latencyMs: number;
  startedAt: number;
}

export interface LoadOptions {
  /** Instance each client talks to. */
  urlFor: (client: number) => string;
  secret: string;
  clients: number;
  model: string;
  /** Tokens and per-token delay the fake engine answers with. */
  tokens?: number;
  delayMs?: number;
  /** Abort requests that take longer (a hang shows as a "connection_error" with this latency). */
  timeoutMs?: number;
  /** Told of every request as it ends. */
  onResult?: (s: Sent) => void;
}

async function once(o: LoadOptions, client: number, stream: boolean): Promise<Sent> {
  const url = o.urlFor(client);
  const startedAt = Date.now();
  const base = { client, url, stream, startedAt };
  let res: Response;
  try {
    res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: o.model,
        messages: [{ role: "user", content: `client ${client} says hello` }],
        max_tokens: 50,
        stream,
        fake: { tokens: o.tokens ?? 8, delayMs: o.delayMs ?? 5 },
      }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    });
  } catch {
    return { ...base, outcome: "connection_error", status: null, requestId: null, errorCode: null, latencyMs: Date.now() - startedAt };
  }
  const requestId = res.headers.get("x-request-id");
  let text = "";
  try {
    text = await res.text();
  } catch {
    return { ...base, outcome: "cut", status: res.status, requestId, errorCode: null, latencyMs: Date.now() - startedAt };
  }
  const latencyMs = Date.now() - startedAt;
  if (res.status !== 200) {
    let code: string | null = null;
    try {
      code = (JSON.parse(text) as { error: { code: string | null } }).error.code;
    } catch {
      code = "not_an_envelope";
    }
    return { ...base, outcome: "error_status", status: res.status, requestId, errorCode: code, latencyMs };
  }
  const complete = stream ? text.trimEnd().endsWith("data: [DONE]") && !text.includes('"error"') : text.includes('"choices"');
  return { ...base, outcome: complete ? "answered" : "cut", status: 200, requestId, errorCode: null, latencyMs };
}

/** Run the clients until `stop()` resolves; returns every request sent. */
export async function runLoad(o: LoadOptions, stop: Promise<void>): Promise<Sent[]> {
  const sent: Sent[] = [];
  let stopping = false;
  void stop.then(() => (stopping = true));
  await Promise.all(
    Array.from({ length: o.clients }, async (_, client) => {
      for (let i = 0; !stopping; i++) {
        const r = await once(o, client, (client + i) % 2 === 0);
        sent.push(r);
        o.onResult?.(r);
        if (r.outcome === "connection_error") await new Promise((res) => setTimeout(res, 50));
      }
    }),
  );
  return sent;
}

export function tally(sent: Sent[]): Record<string, number> {
  const t: Record<string, number> = { sent: sent.length };
  for (const s of sent) {
    const k = s.outcome === "error_status" ? `status_${s.status}_${s.errorCode}` : s.outcome;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
