/** A request's usage as it was recorded and billed. */
export interface BilledUsage {
  request_id: string;
  model: string | null;
  status: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  units: Record<string, number>;
  /** Nano-euros, as a decimal string. */
  cost_nanos: string;
  latency_ms: number;
  ttft_ms: number | null;
  estimated: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The recorded usage of a request of ours, once the gateway has written it
 * (in batches, a fraction of a second after the request); null if it does
 * not appear within a few seconds.
 */
export async function billedUsage(requestId: string | null, attempts = 12): Promise<BilledUsage | null> {
  if (!requestId) return null;
  for (let i = 0; i < attempts; i++) {
    await sleep(i === 0 ? 250 : 400);
    const res = await fetch(`/api/console/usage/${encodeURIComponent(requestId)}`, { cache: "no-store" }).catch(() => null);
    if (res?.ok) return (await res.json()) as BilledUsage;
    if (res && res.status !== 404) return null;
  }
  return null;
}
