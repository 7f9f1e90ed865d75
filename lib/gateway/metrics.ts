import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BackendRouter } from "../backends/router";
import { keyCacheSize } from "../keys/cache";
import type { Catalogue } from "./catalogue";
import type { UsageRecorder } from "./usage";

/*
 * The gateway's Prometheus metrics, one registry per gateway: traffic and
 * tokens counted as requests end, the state of backends, reservations and
 * the usage queue read when scraped.
 */

export interface MetricSources {
  router: BackendRouter;
  catalogue: Catalogue;
  recorder: UsageRecorder;
  inFlight: () => number;
  reservationsHeld: () => number | null;
  /** Requests admitted by the limits, by path (against leases in memory, or reserved in the database), and the leases held. */
  admissions?: () => { leased: number; database: number; leases: number } | null;
}

interface RequestSeries {
  requests: { inc(value?: number): void };
  tokensIn: { inc(value?: number): void };
  tokensOut: { inc(value?: number): void };
  latency: { observe(value: number): void };
  ttft: { observe(value: number): void };
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"endpoint" | "model" | "status">;
  private readonly tokens: Counter<"model" | "direction">;
  private readonly latency: Histogram<"endpoint" | "model">;
  private readonly ttft: Histogram<"endpoint" | "model">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: "llmaas_requests_total", help: "API requests answered, by endpoint, model and HTTP status", labelNames: ["endpoint", "model", "status"], registers });
    this.tokens = new Counter({ name: "llmaas_tokens_total", help: "Tokens billed, by model and direction (in: prompt, out: completion)", labelNames: ["model", "direction"], registers });
    this.latency = new Histogram({ name: "llmaas_request_duration_seconds", help: "Time from request to the end of its answer", labelNames: ["endpoint", "model"], buckets: SECONDS, registers });
    this.ttft = new Histogram({ name: "llmaas_time_to_first_token_seconds", help: "Time from request to the first generated token", labelNames: ["endpoint", "model"], buckets: SECONDS, registers });
    new Gauge({
      name: "llmaas_requests_in_flight",
      help: "Requests this instance is serving",
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    new Gauge({
      name: "llmaas_reservations_held",
      help: "Limit reservations this instance holds (taken, not yet settled)",
      registers,
      collect() {
        this.set(sources.reservationsHeld() ?? 0);
      },
    });
    new Counter({
      name: "llmaas_limit_admissions_total",
      help: "Requests admitted by the limits, by path: lease (in memory, against this instance's leases) or database (reserved one by one)",
      labelNames: ["path"],
      registers,
      collect() {
        const a = sources.admissions?.();
        this.reset();
        if (!a) return;
        this.inc({ path: "lease" }, a.leased);
        this.inc({ path: "database" }, a.database);
      },
    });
    new Gauge({
      name: "llmaas_leases_held",
      help: "Leases on limits this instance holds open now",
      registers,
      collect() {
        this.set(sources.admissions?.()?.leases ?? 0);
      },
    });
    new Gauge({
      name: "llmaas_usage_rows_pending",
      help: "Usage events waiting to be written to the database",
      registers,
      collect() {
        this.set(sources.recorder.pending);
      },
    });
    new Gauge({
      name: "llmaas_key_cache_entries",
      help: "API keys cached by this instance (kind: known keys, or unknown secrets remembered briefly)",
      labelNames: ["kind"],
      registers,
      collect() {
        const size = keyCacheSize();
        this.set({ kind: "known" }, size.keys);
        this.set({ kind: "unknown" }, size.misses);
      },
    });
    const backends = () => sources.catalogue.backendList().map((b) => ({ name: b.name, status: sources.router.status(b.id) }));
    new Gauge({
      name: "llmaas_backend_up",
      help: "1 when the backend's last health check passed",
      labelNames: ["backend"],
      registers,
      collect() {
        this.reset();
        for (const b of backends()) this.set({ backend: b.name }, b.status.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: "llmaas_backend_circuit",
      help: "1 for the backend's current circuit state (closed, half-open, open)",
      labelNames: ["backend", "state"],
      registers,
      collect() {
        this.reset();
        for (const b of backends()) for (const state of ["closed", "half-open", "open"]) this.set({ backend: b.name, state }, b.status.circuit === state ? 1 : 0);
      },
    });
    new Gauge({
      name: "llmaas_backend_in_flight",
      help: "Requests this instance has in flight to the backend",
      labelNames: ["backend"],
      registers,
      collect() {
        this.reset();
        for (const b of backends()) this.set({ backend: b.name }, b.status.inFlight);
      },
    });
  }

  /**
   * Each combination of labels a request is counted under, its series looked up once: labels() hashes its
   * label object on every call, and there are only as many combinations as endpoints × models × statuses.
   */
  private readonly series = new Map<string, RequestSeries>();

  private seriesOf(endpoint: string, model: string, status: number): RequestSeries {
    const id = `${endpoint}\u0000${model}\u0000${status}`;
    let s = this.series.get(id);
    if (!s) {
      s = {
        requests: this.requests.labels({ endpoint, model, status: String(status) }),
        tokensIn: this.tokens.labels({ model, direction: "in" }),
        tokensOut: this.tokens.labels({ model, direction: "out" }),
        latency: this.latency.labels({ endpoint, model }),
        ttft: this.ttft.labels({ endpoint, model }),
      };
      this.series.set(id, s);
    }
    return s;
  }

  /** Count a finished request. */
  observe(r: { endpoint: string; model: string | null; status: number; promptTokens: number; completionTokens: number; latencyMs: number; ttftMs: number | null }): void {
    const s = this.seriesOf(r.endpoint, r.model ?? "", r.status);
    s.requests.inc();
    if (r.promptTokens) s.tokensIn.inc(r.promptTokens);
    if (r.completionTokens) s.tokensOut.inc(r.completionTokens);
    s.latency.observe(r.latencyMs / 1000);
    if (r.ttftMs !== null) s.ttft.observe(r.ttftMs / 1000);
  }

  /** The metrics in Prometheus' text format. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
