import type { EngineAdapter, BackendConfig, UpstreamCall } from "./types";
import { UpstreamUnavailable } from "./types";
import { openaiAdapter } from "./openai";
import { ollamaAdapter } from "./ollama";
import { embeddedAdapter } from "../engine/adapter";

export interface Target {
  backend: BackendConfig;
  upstreamId: string;
}

interface BackendState {
  inFlight: number;
  /** Result of the last health check; unknown counts as healthy. */
  healthy: boolean;
  consecutiveFailures: number;
  /** While the circuit is open the backend gets no traffic. */
  openUntil: number;
  /** After the open period one request tries the backend before it gets traffic again. */
  trialInFlight: boolean;
  lastError: string | null;
  lastCheckedAt: number | null;
  /** Time to the answer's headers of the latest calls it answered (newest last), for the console. */
  latencies: { ms: number; at: number }[];
}

/** Calls kept for a backend's recent latency, and how long they count. */
const LATENCY_SAMPLES = 100;
const LATENCY_WINDOW_MS = 5 * 60_000;

/** The value below which `q` of sorted `values` fall (nearest rank). */
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

export interface RouterOptions {
  /** Consecutive failures that open a backend's circuit. */
  failureThreshold?: number;
  openMs?: number;
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  adapters?: Partial<Record<BackendConfig["engine"], EngineAdapter>>;
  now?: () => number;
}

export interface Dispatched {
  response: Response;
  target: Target;
  /** Call once the response is fully relayed (or abandoned): frees the backend's in-flight slot. */
  release(): void;
}

/**
 * Picks a backend for each call: a healthy one with a closed circuit and the
 * fewest requests in flight; on a connection failure or a 5xx answer it tries
 * the next one, so a client never sees one replica's failure while another works.
 */
export class BackendRouter {
  private states = new Map<string, BackendState>();
  private readonly adapters: Record<string, EngineAdapter>;
  private readonly opts: Required<Omit<RouterOptions, "adapters">>;
  private healthTimer: NodeJS.Timeout | undefined;

  constructor(options: RouterOptions = {}) {
    this.adapters = { openai: openaiAdapter, ollama: ollamaAdapter, embedded: embeddedAdapter, ...options.adapters } as Record<string, EngineAdapter>;
    this.opts = {
      failureThreshold: options.failureThreshold ?? 3,
      openMs: options.openMs ?? 10_000,
      healthIntervalMs: options.healthIntervalMs ?? 10_000,
      healthTimeoutMs: options.healthTimeoutMs ?? 5_000,
      now: options.now ?? Date.now,
    };
  }

  setAdapter(engine: BackendConfig["engine"], adapter: EngineAdapter) {
    this.adapters[engine] = adapter;
  }

  /** The adapter that speaks to backends of an engine. */
  adapter(engine: BackendConfig["engine"]): EngineAdapter | undefined {
    return this.adapters[engine];
  }

  state(id: string): BackendState {
    let s = this.states.get(id);
    if (!s) {
      s = { inFlight: 0, healthy: true, consecutiveFailures: 0, openUntil: 0, trialInFlight: false, lastError: null, lastCheckedAt: null, latencies: [] };
      this.states.set(id, s);
    }
    return s;
  }

  /** What the console shows about a backend: health, circuit, load and the latency of its recent calls. */
  status(id: string) {
    const s = this.state(id);
    const now = this.opts.now();
    const recent = s.latencies.filter((l) => now - l.at <= LATENCY_WINDOW_MS).map((l) => l.ms);
    const sorted = [...recent].sort((a, b) => a - b);
    return {
      healthy: s.healthy,
      circuit: s.openUntil > now ? "open" : s.consecutiveFailures >= this.opts.failureThreshold ? "half-open" : "closed",
      inFlight: s.inFlight,
      lastError: s.lastError,
      lastCheckedAt: s.lastCheckedAt,
      latency: recent.length
        ? { calls: recent.length, lastMs: recent.at(-1)!, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) }
        : null,
    };
  }

  private observe(id: string, ms: number) {
    const l = this.state(id).latencies;
    l.push({ ms: Math.round(ms), at: this.opts.now() });
    if (l.length > LATENCY_SAMPLES) l.splice(0, l.length - LATENCY_SAMPLES);
  }

  private available(id: string): boolean {
    const s = this.state(id);
    if (!s.healthy) return false;
    if (s.consecutiveFailures < this.opts.failureThreshold) return true;
    return s.openUntil <= this.opts.now() && !s.trialInFlight;
  }

  /** Enabled, available targets, least busy first (random among equals, to spread load). */
  order(targets: Target[]): Target[] {
    // Most models have one backend: nothing to sort.
    if (targets.length === 1) {
      const t = targets[0]!;
      return t.backend.enabled && this.available(t.backend.id) ? targets : [];
    }
    return targets
      .filter((t) => t.backend.enabled && this.available(t.backend.id))
      .map((t) => ({ t, busy: this.state(t.backend.id).inFlight, r: Math.random() }))
      .sort((a, b) => a.busy - b.busy || a.r - b.r)
      .map(({ t }) => t);
  }

  private succeeded(id: string) {
    const s = this.state(id);
    s.consecutiveFailures = 0;
    s.openUntil = 0;
    s.trialInFlight = false;
    s.healthy = true;
  }

  private failed(id: string, reason: string) {
    const s = this.state(id);
    s.consecutiveFailures++;
    s.trialInFlight = false;
    s.lastError = reason;
    if (s.consecutiveFailures >= this.opts.failureThreshold) s.openUntil = this.opts.now() + this.opts.openMs;
  }

  /**
   * Send a call to the first target that answers. Returns null when no target
   * is available or every one failed to connect; the last 5xx answer is
   * returned as is when every target answered 5xx.
   */
  async dispatch(targets: Target[], makeCall: (t: Target) => UpstreamCall): Promise<Dispatched | null> {
    const ordered = this.order(targets);
    let lastServerError: Dispatched | null = null;
    for (const target of ordered) {
      const id = target.backend.id;
      const s = this.state(id);
      if (s.consecutiveFailures >= this.opts.failureThreshold) s.trialInFlight = true;
      const adapter = this.adapters[target.backend.engine];
      if (!adapter) continue;
      const call = makeCall(target);
      s.inFlight++;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          s.inFlight--;
        }
      };
      try {
        const started = performance.now();
        const response = await adapter.call(target.backend, call);
        if (response.status < 500) this.observe(id, performance.now() - started);
        if (response.status >= 500) {
          this.failed(id, `answered ${response.status}`);
          if (lastServerError) {
            await lastServerError.response.body?.cancel().catch(() => {});
            lastServerError.release();
          }
          lastServerError = { response, target, release };
          continue;
        }
        this.succeeded(id);
        if (lastServerError) {
          await lastServerError.response.body?.cancel().catch(() => {});
          lastServerError.release();
        }
        return { response, target, release };
      } catch (err) {
        release();
        if (call.signal.aborted) throw err;
        if (err instanceof UpstreamUnavailable) {
          this.failed(id, err.message);
          continue;
        }
        // Anything else broke in the gateway, not in the backend: the circuit only counts the
        // backend's own faults (connection errors, timeouts, 5xx), so one bad request cannot
        // take a backend away from everyone.
        if (s.trialInFlight) s.trialInFlight = false;
        if (lastServerError) {
          await lastServerError.response.body?.cancel().catch(() => {});
          lastServerError.release();
        }
        throw err;
      }
    }
    return lastServerError;
  }

  /** Probe every backend now; the answer decides whether it gets traffic. */
  async checkHealth(backends: BackendConfig[]): Promise<void> {
    await Promise.all(
      backends
        .filter((b) => b.enabled && this.adapters[b.engine])
        .map(async (b) => {
          const s = this.state(b.id);
          try {
            await this.adapters[b.engine]!.probe(b, AbortSignal.timeout(this.opts.healthTimeoutMs));
            s.healthy = true;
            s.lastError = null;
            if (s.openUntil > this.opts.now()) s.openUntil = this.opts.now();
          } catch (err) {
            s.healthy = false;
            s.lastError = err instanceof Error ? err.message.slice(0, 200) : "health check failed";
          } finally {
            s.lastCheckedAt = this.opts.now();
          }
        }),
    );
  }

  startHealthChecks(listBackends: () => BackendConfig[]): void {
    this.stopHealthChecks();
    this.healthTimer = setInterval(() => void this.checkHealth(listBackends()).catch(() => {}), this.opts.healthIntervalMs);
    this.healthTimer.unref();
  }

  stopHealthChecks(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  /** Forget a backend's state (after it was removed or edited). */
  forget(id: string) {
    this.states.delete(id);
  }
}
