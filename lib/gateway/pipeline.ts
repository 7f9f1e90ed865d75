import { randomUUID } from "node:crypto";
import type { Capability } from "../models/capabilities";
import type { PriceBook } from "../billing/prices";
import type { BackendRouter, Dispatched, Target } from "../backends/router";
import type { UpstreamCall } from "../backends/types";
import type { DeferredSettlement } from "@/db/queries/limits";
import { AppError, toAppError } from "../errors";
import { type AuthenticatedKey, authenticateSecret } from "../keys/cache";
import { addLogFields, errorFields, log, withLogFields } from "../log";
import type { Catalogue, CatalogueModel } from "./catalogue";
import { type CorsPolicy, corsHeaders, preflight } from "./cors";
import { type BatchLine, type Limiter, RequestContext, noLimits } from "./context";
import { GatewayMetrics } from "./metrics";
import type { UsageRecorder } from "./usage";

export interface GatewayOptions {
  catalogue: Catalogue;
  router: BackendRouter;
  recorder: UsageRecorder;
  limiter?: Limiter;
  prices?: PriceBook;
  maxBodyBytes: number;
  maxAudioBytes: number;
  /** Largest file uploaded through /v1/files. */
  maxFileBytes: number;
  allowRemoteImages: boolean;
  /** Which web origins may call the API from a browser; unset: none. */
  cors?: CorsPolicy;
}

/** One API endpoint: its route and its work. Auth, limits, usage and errors are the pipeline's. */
export interface Endpoint {
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** Exact path, or a pattern whose groups the handler reads. */
  path: string | RegExp;
  /** Prefix of the request id, e.g. "chatcmpl". */
  idPrefix: string;
  handle(ctx: RequestContext, gateway: Gateway, match: RegExpExecArray | null): Promise<Response>;
}

const CAPABILITY_WORDS: Record<Capability, string> = {
  chat: "chat completions",
  vision: "images",
  tools: "tool calls",
  embeddings: "embeddings",
  rerank: "reranking",
  transcription: "audio transcription",
  speech: "speech synthesis",
  images: "image generation",
};

export const invalidKey = () => new AppError(401, "authentication_error", "Invalid API key provided", null, "invalid_api_key");

export class Gateway {
  private endpoints: Endpoint[] = [];
  readonly limiter: Limiter;
  /** Requests currently being served, so shutdown can wait for them. */
  inFlight = 0;
  /** When the last live request (not a batch line) arrived: batch work yields to live traffic. */
  lastLiveAt = 0;
  /** Answered requests whose settlement and usage are not written yet (they wait in the recorder's batch). */
  get pendingSettlements(): number {
    return this.options.recorder.pending;
  }
  readonly metrics: GatewayMetrics;
  private readonly endpointNames = new Set<string>();

  constructor(readonly options: GatewayOptions) {
    this.limiter = options.limiter ?? noLimits;
    const limiter = this.limiter as Limiter & { held?: number };
    this.metrics = new GatewayMetrics({
      router: options.router,
      catalogue: options.catalogue,
      recorder: options.recorder,
      inFlight: () => this.inFlight,
      reservationsHeld: () => limiter.held ?? null,
    });
  }

  register(...endpoints: Endpoint[]): this {
    this.endpoints.push(...endpoints);
    for (const e of endpoints) this.endpointNames.add(e.name);
    return this;
  }

  private match(method: string, pathname: string): { endpoint: Endpoint; match: RegExpExecArray | null } | "method" | null {
    let wrongMethod = false;
    for (const endpoint of this.endpoints) {
      const m = typeof endpoint.path === "string" ? (endpoint.path === pathname ? null : undefined) : endpoint.path.exec(pathname) ?? undefined;
      if (m === undefined) continue;
      if (endpoint.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { endpoint, match: m };
    }
    return wrongMethod ? "method" : null;
  }

  /**
   * Serve one API request: a Web Request in, a Web Response out. The console
   * passes `key` (the signed-in user's console key) instead of a Bearer
   * header; everything else (limits, billing, usage) is the same. A batch
   * worker passes `key` and `batch` (see BatchLine).
   */
  handle(request: Request, options: { key?: AuthenticatedKey; batch?: BatchLine } = {}): Promise<Response> {
    return withLogFields({}, () => this.serve(request, options));
  }

  private async serve(request: Request, options: { key?: AuthenticatedKey; batch?: BatchLine }): Promise<Response> {
    // Browsers ask before a cross-origin call; the console's own calls (with `key`) are same-origin.
    const cors = options.key ? null : (this.options.cors ?? null);
    if (request.method === "OPTIONS" && !options.key) return preflight(cors, request);
    const url = new URL(request.url);
    const pathname = url.pathname.replace(/\/+$/, "") || "/";
    const found = this.match(request.method, pathname);
    const endpoint = typeof found === "object" && found ? found.endpoint : null;
    const requestId = `${endpoint?.idPrefix ?? "req"}-${randomUUID().replace(/-/g, "")}`;
    const ctx = new RequestContext(request, requestId, endpoint?.name ?? pathname, (c, status, code) => this.complete(c, status, code));
    ctx.batch = options.batch ?? null;
    if (!ctx.batch) this.lastLiveAt = performance.now();
    Object.assign(ctx.headers, corsHeaders(cors, request.headers.get("origin")));
    addLogFields({ requestId });
    this.inFlight++;
    try {
      if (found === null) throw new AppError(404, "invalid_request_error", `Unknown endpoint: ${request.method} ${pathname}`, null, "unknown_url");
      if (found === "method") throw new AppError(405, "invalid_request_error", `Method ${request.method} is not allowed on ${pathname}`, null, "method_not_allowed");
      ctx.key = options.key ?? (await this.authenticate(request));
      addLogFields({ accountId: ctx.key.accountId, keyId: ctx.key.id });
      const response = await found.endpoint.handle(ctx, this, found.match);
      // A stream's relay finishes it when the stream ends.
      if (!(ctx.streamed && response.status === 200)) await ctx.finish(response.status, null);
      if (!ctx.reservation && this.limiter.headersFor && ctx.key) Object.assign(ctx.headers, await this.limiter.headersFor(ctx.key).catch(() => ({})));
      for (const [k, v] of Object.entries(ctx.headers)) response.headers.set(k, v);
      return response;
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500 && !(err instanceof AppError)) {
        log.error("request failed", { endpoint: ctx.endpoint, ...errorFields(err) });
      }
      await ctx.finish(e.status, e.code ?? e.type);
      if (!ctx.reservation && this.limiter.headersFor && ctx.key) Object.assign(ctx.headers, await this.limiter.headersFor(ctx.key).catch(() => ({})));
      return e.toResponse(ctx.headers);
    }
  }

  private async authenticate(request: Request) {
    const header = request.headers.get("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw invalidKey();
    const key = await authenticateSecret(m[1]!);
    if (!key) throw invalidKey();
    return key;
  }

  /**
   * Find a model by id or alias and check this key may use it for `capability`:
   * 404 unknown, 403 not allowed for the key, 400 lacking the capability.
   */
  async resolveModel(ctx: RequestContext, name: string, capability: Capability): Promise<CatalogueModel> {
    const model = await this.options.catalogue.resolve(name);
    if (!model) throw new AppError(404, "invalid_request_error", `Model '${name}' does not exist`, "model", "model_not_found");
    // Known from here on, so a refusal below is recorded against the model.
    ctx.model = model;
    const allowed = ctx.key?.allowedModels;
    if (allowed && !allowed.includes(model.id) && !allowed.includes(name) && !model.aliases.some((a) => allowed.includes(a))) {
      throw new AppError(403, "permission_error", `This API key is not allowed to use model '${name}'`, "model", "model_not_allowed");
    }
    if (!model.capabilities.has(capability)) {
      throw new AppError(
        400,
        "invalid_request_error",
        `Model '${name}' does not support ${CAPABILITY_WORDS[capability]} (it lacks the ${capability} capability)`,
        "model",
        "model_capability_missing",
      );
    }
    return model;
  }

  /**
   * Send a call to one of the model's backends. 503 when none is available;
   * the chosen backend is named in the `backend` header.
   */
  async dispatch(ctx: RequestContext, model: CatalogueModel, build: (t: Target) => Omit<UpstreamCall, "signal">, signal: AbortSignal): Promise<Dispatched> {
    const dispatched = await this.options.router.dispatch(model.targets, (t) => ({ ...build(t), signal }));
    if (!dispatched) {
      throw new AppError(503, "service_unavailable_error", "Service temporarily unavailable: no backend can serve this model right now", null, "no_backend_available");
    }
    ctx.target = dispatched.target;
    ctx.headers.backend = JSON.stringify(backendInfo(dispatched.target));
    return dispatched;
  }

  /** Resolves once no request is being served or settled. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async complete(ctx: RequestContext, status: number, errorCode: string | null): Promise<void> {
    try {
      if (ctx.batch) {
        const reservation = ctx.reservation;
        const cost = reservation?.costOf(ctx.usage) ?? 0n;
        ctx.batch.ended = {
          status,
          usage: ctx.usage,
          cost,
          event: this.usageEvent(ctx, status, errorCode, cost),
          settle: async (db) => {
            if (reservation && (await reservation.settle(ctx.usage, { status, db })) !== cost) throw new Error("the line's reservation was already given back");
          },
          discard: async () => void (await reservation?.settle({ ...ctx.usage, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, units: {} }, { status })),
        };
      } else await this.settleAndRecord(ctx, status, errorCode);
    } finally {
      this.inFlight--;
    }
  }

  private async settleAndRecord(ctx: RequestContext, status: number, errorCode: string | null): Promise<void> {
    const reservation = ctx.reservation;
    if (reservation?.defer) {
      // Written with the usage event in the recorder's next batch (journaled first), not on the request's path.
      const { cost, settlement } = reservation.defer(ctx.usage);
      this.record(ctx, status, errorCode, cost, settlement);
      return;
    }
    let cost = 0n;
    if (reservation) {
      try {
        cost = await reservation.settle(ctx.usage, { status });
      } catch (err) {
        log.error("settling a reservation failed", { requestId: ctx.requestId, ...errorFields(err) });
      }
    }
    this.record(ctx, status, errorCode, cost);
  }

  private record(ctx: RequestContext, status: number, errorCode: string | null, cost: bigint, settlement?: DeferredSettlement): void {
    this.metrics.observe({
      // Unknown paths are one label, not one each.
      endpoint: this.endpointNames.has(ctx.endpoint) ? ctx.endpoint : "unknown",
      model: ctx.model?.id ?? null,
      status,
      promptTokens: ctx.usage.promptTokens,
      completionTokens: ctx.usage.completionTokens,
      latencyMs: ctx.elapsedMs,
      ttftMs: ctx.ttftMs,
    });
    this.options.recorder.record(this.usageEvent(ctx, status, errorCode, cost), settlement);
  }

  private usageEvent(ctx: RequestContext, status: number, errorCode: string | null, cost: bigint) {
    return {
      id: ctx.usageEventId,
      requestId: ctx.requestId,
      accountId: ctx.key?.accountId ?? null,
      userId: ctx.key?.userId ?? null,
      keyId: ctx.key?.id ?? null,
      endpoint: ctx.endpoint,
      modelId: ctx.model?.id ?? null,
      backendId: ctx.target?.backend.id ?? null,
      status,
      errorCode,
      promptTokens: ctx.usage.promptTokens,
      completionTokens: ctx.usage.completionTokens,
      reasoningTokens: ctx.usage.reasoningTokens,
      units: ctx.usage.units,
      costNanos: cost,
      latencyMs: ctx.elapsedMs,
      ttftMs: ctx.ttftMs,
      streamed: ctx.streamed,
      clientAborted: ctx.clientAborted,
      estimated: ctx.usage.estimated,
      batchId: ctx.batch?.batchId ?? null,
      // Dated like its ledger debit, so that a day's or a month's usage and debits hold the same requests.
      createdAt: ctx.reservation?.at ?? ctx.startedAt,
    };
  }
}

export function backendInfo(target: Target) {
  return { engine_type: target.backend.engine, machine_name: target.backend.machineName };
}
