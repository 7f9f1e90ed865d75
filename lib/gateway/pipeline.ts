import { randomUUID } from "node:crypto";
import type { Capability } from "../models/capabilities";
import type { BackendRouter, Dispatched, Target } from "../backends/router";
import type { CallSignal } from "../backends/signal";
import type { PriceBook } from "../billing/prices";
import { AppError, toAppError } from "../errors";
import { type AuthenticatedKey, accountSuspended, authenticateSecret } from "../keys/cache";
import { errorFields, log } from "../log";
import { BackendAnswer, backendInfo, upstreamError } from "./answer";
import { readJsonBody, validate } from "./body";
import type { Catalogue, CatalogueModel } from "./catalogue";
import { type BatchLine, type Limiter, RequestContext, noLimits } from "./context";
import { type CorsPolicy, corsHeaders, preflight } from "./cors";
import type { AnyModelEndpoint, BackendCall, DataEndpoint, Endpoint, GatewaySettings, Reply, WorstCase } from "./endpoint";
import { GatewayMetrics } from "./metrics";
import { RequestEnds } from "./settle";
import { relayStream } from "./sse";
import type { UsageRecorder } from "./usage";
import { type ApiRequest, type GatewayReply, chunksOf, replyOf, toResponse } from "./wire";

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

export const suspendedAccount = () =>
  new AppError(
    403,
    "permission_error",
    "This account is suspended, so its API keys are refused. Contact the platform administrator to have it restored.",
    null,
    "account_suspended",
  );

const clientClosed = () => new AppError(499, "invalid_request_error", "The client closed the request", null, "client_closed_request");

interface ServeOptions {
  key?: AuthenticatedKey;
  batch?: BatchLine;
}

/**
 * The request pipeline. Every request takes the same steps, in order:
 *
 *   route → request id → key (refused while its account is suspended) → (data endpoints: serve) — or, for a model endpoint:
 *   read → validate → check → resolve model → prepare → reserve → dispatch → relay → settle
 *
 * An endpoint only declares its part of each step (endpoint.ts); errors at any
 * step become the API's error envelope, and every request, answered or not,
 * ends in RequestEnds (settled once, recorded once).
 */
export class Gateway {
  private endpoints: Endpoint[] = [];
  readonly limiter: Limiter;
  /** What endpoints see of the gateway. */
  readonly settings: GatewaySettings;
  /** Requests currently being served, so shutdown can wait for them. */
  inFlight = 0;
  /** Live model requests (not batch lines, nor lists or lookups) being served, and when the last one arrived: batch work yields to them. */
  liveInFlight = 0;
  lastLiveAt = 0;
  /** Answered requests whose settlement and usage are not written yet (they wait in the recorder's batch). */
  get pendingSettlements(): number {
    return this.options.recorder.pending;
  }
  readonly metrics: GatewayMetrics;
  private readonly endpointNames = new Set<string>();
  private readonly ends: RequestEnds;
  private readonly complete = async (ctx: RequestContext, status: number, errorCode: string | null) => {
    try {
      await this.ends.end(ctx, status, errorCode);
    } finally {
      this.inFlight--;
      if (ctx.live) this.liveInFlight--;
    }
  };

  constructor(readonly options: GatewayOptions) {
    this.settings = options;
    this.limiter = options.limiter ?? noLimits;
    if (options.limiter) options.limiter.settlements = options.recorder;
    const limiter = this.limiter as Limiter & { held?: number; admissions?: { leased: number; database: number; leases: number } };
    this.metrics = new GatewayMetrics({
      router: options.router,
      catalogue: options.catalogue,
      recorder: options.recorder,
      inFlight: () => this.inFlight,
      reservationsHeld: () => limiter.held ?? null,
      admissions: () => limiter.admissions ?? null,
    });
    this.ends = new RequestEnds(options.recorder, this.metrics, this.endpointNames, () => this.inFlight > 1);
  }

  register(...endpoints: Endpoint[]): this {
    this.endpoints.push(...endpoints);
    for (const e of endpoints) this.endpointNames.add(e.name);
    return this;
  }

  private match(method: string, pathname: string): { endpoint: Endpoint; params: string[] } | "method" | null {
    let wrongMethod = false;
    for (const endpoint of this.endpoints) {
      const m = typeof endpoint.path === "string" ? (endpoint.path === pathname ? null : undefined) : endpoint.path.exec(pathname) ?? undefined;
      if (m === undefined) continue;
      if (endpoint.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { endpoint, params: m ? m.slice(1) : [] };
    }
    return wrongMethod ? "method" : null;
  }

  /**
   * Serve one API request: a Web Request in, a Web Response out. The console
   * passes `key` (the signed-in user's console key) instead of a Bearer
   * header; everything else (limits, billing, usage) is the same. A batch
   * worker passes `key` and `batch` (see BatchLine).
   */
  async handle(request: ApiRequest, options: ServeOptions = {}): Promise<Response> {
    return toResponse(await this.reply(request, options));
  }

  /** Serve one API request, answered as a GatewayReply (what the production listener writes as it is). */
  reply(request: ApiRequest, options: ServeOptions = {}): Promise<GatewayReply> {
    return this.serve(request, options);
  }

  private async serve(request: ApiRequest, options: ServeOptions): Promise<GatewayReply> {
    // Browsers ask before a cross-origin call; the console's own calls (with `key`) are same-origin.
    const cors = options.key ? null : (this.options.cors ?? null);
    if (request.method === "OPTIONS" && !options.key) return replyOf(preflight(cors, request));
    const pathname = (request.pathname ?? new URL(request.url).pathname).replace(/\/+$/, "") || "/";
    const found = this.match(request.method, pathname);
    const endpoint = typeof found === "object" && found ? found.endpoint : null;
    const requestId = `${endpoint?.idPrefix ?? "req"}-${randomUUID().replaceAll("-", "")}`;
    const ctx = new RequestContext(request, requestId, endpoint?.name ?? pathname, this.complete);
    ctx.batch = options.batch ?? null;
    ctx.live = !ctx.batch && endpoint?.kind === "model";
    if (ctx.live) {
      this.lastLiveAt = performance.now();
      this.liveInFlight++;
    }
    if (cors) Object.assign(ctx.headers, corsHeaders(cors, request.headers.get("origin")));
    this.inFlight++;
    try {
      if (found === null) throw new AppError(404, "invalid_request_error", `Unknown endpoint: ${request.method} ${pathname}`, null, "unknown_url");
      if (found === "method") throw new AppError(405, "invalid_request_error", `Method ${request.method} is not allowed on ${pathname}`, null, "method_not_allowed");
      ctx.key = options.key ?? (await this.authenticate(request));
      // Whichever key it is (an API key, the console's, a batch's): a suspended account's are all refused.
      if (await accountSuspended(ctx.key.accountId)) throw suspendedAccount();
      const reply = found.endpoint.kind === "model" ? await this.runModel(ctx, found.endpoint) : await this.runData(ctx, found.endpoint, found.params);
      // A stream's relay finishes it when the stream ends.
      if (!(ctx.streamed && reply.status === 200)) await ctx.finish(reply.status, null);
      await this.rateLimitHeaders(ctx);
      Object.assign(reply.headers, ctx.headers);
      return reply;
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500 && !(err instanceof AppError)) {
        log.error("request failed", { ...ctx.logFields(), endpoint: ctx.endpoint, ...errorFields(err) });
      }
      await ctx.finish(e.status, e.code ?? e.type);
      await this.rateLimitHeaders(ctx);
      return { status: e.status, headers: { "content-type": "application/json", ...e.headers, ...ctx.headers }, body: JSON.stringify(e.toJSON()) };
    }
  }

  /** Requests that reserved nothing (model lists, errors before a reservation) still tell the client where its limits stand. */
  private async rateLimitHeaders(ctx: RequestContext): Promise<void> {
    if (ctx.reservation || !this.limiter.headersFor || !ctx.key) return;
    Object.assign(ctx.headers, await this.limiter.headersFor(ctx.key).catch(() => ({})));
  }

  private async authenticate(request: ApiRequest) {
    const header = request.headers.get("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw invalidKey();
    const key = await authenticateSecret(m[1]!);
    if (!key) throw invalidKey();
    return key;
  }

  private async runData(ctx: RequestContext, endpoint: DataEndpoint, params: string[]): Promise<GatewayReply> {
    const out = await endpoint.serve({
      request: ctx.request,
      key: ctx.key!,
      params,
      settings: this.settings,
      json: () => readJsonBody(ctx.request, this.settings.maxBodyBytes),
    });
    return out instanceof Response ? replyOf(out) : json(out);
  }

  /** The steps of a request to a model, each from the endpoint's declaration. */
  private async runModel(ctx: RequestContext, endpoint: AnyModelEndpoint): Promise<GatewayReply> {
    const settings = this.settings;
    const raw = endpoint.read ? await endpoint.read(ctx.request, settings) : await readJsonBody(ctx.request, settings.maxBodyBytes);
    const body = validate(endpoint.schema, raw);
    endpoint.check?.(body);
    const model = await this.resolveModel(ctx, body.model, endpoint.capability);
    const plan = await endpoint.prepare(body, model, settings);
    const worst = endpoint.worstCase(plan);
    await this.reserve(ctx, model, worst);

    const stream = endpoint.stream?.(plan) ?? null;
    // A stream outlives this call: its backend call is stopped by its relay as well as by the client going away.
    const upstream = stream ? linkedController(ctx.request.signal) : null;
    const d = await this.dispatch(ctx, model, (t) => endpoint.call(plan, t), upstream?.signal ?? ctx.request.signal);
    if (d.response.status >= 400) {
      try {
        throw await upstreamError(d, ctx.logFields());
      } finally {
        d.release();
      }
    }
    if (stream && d.response.ok) return relayStream(ctx, d, { ...stream, promptTokens: worst.promptTokens }, upstream!);

    const answer = new BackendAnswer(d);
    let reply: Reply;
    try {
      reply = await endpoint.reply(answer, plan, { requestId: ctx.requestId, model, settings, signal: ctx.request.signal });
    } catch (err) {
      answer.abandon();
      throw err;
    }
    // A generation answered at once: its first token is its answer.
    if (worst.outputTokens) ctx.firstToken();
    Object.assign(ctx.usage, reply.usage);
    return replyFrom(reply, answer);
  }

  /**
   * Find a model by id or alias and check this key may use it for `capability`:
   * 404 unknown, 403 not allowed for the key, 400 lacking the capability.
   */
  private async resolveModel(ctx: RequestContext, name: string, capability: Capability): Promise<CatalogueModel> {
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

  /** Take the request's worst case from the account's limits before it reaches a backend. */
  private async reserve(ctx: RequestContext, model: CatalogueModel, worst: WorstCase): Promise<void> {
    const outputTokens = worst.outputTokens ?? 0;
    ctx.progress.promptTokens = worst.promptTokens;
    ctx.reservation = await this.limiter.reserve({
      requestId: ctx.requestId,
      key: ctx.key!,
      model,
      endpoint: ctx.endpoint,
      maxOutputTokens: outputTokens,
      estimatedPromptTokens: worst.promptTokens,
      units: worst.units,
      usageEventId: ctx.usageEventId,
      batchId: ctx.batch?.batchId,
      // A generation's progress is checkpointed while it runs, so a crash loses nothing it generated.
      ...(outputTokens > 0 ? { progress: ctx.progress } : {}),
    });
    Object.assign(ctx.headers, ctx.reservation.headers);
  }

  /**
   * Send the call to one of the model's backends. 503 when none is available;
   * the chosen backend is named in the `backend` header.
   */
  private async dispatch(ctx: RequestContext, model: CatalogueModel, build: (t: Target) => BackendCall, signal: CallSignal): Promise<Dispatched> {
    let dispatched: Dispatched | null;
    try {
      dispatched = await this.options.router.dispatch(model.targets, (t) => {
        const call = build(t);
        return { path: call.path, body: call.body, stream: call.stream ?? false, signal };
      });
    } catch (err) {
      if (!ctx.request.signal.aborted) throw err;
      ctx.clientAborted = true;
      throw clientClosed();
    }
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
}

/** A controller that aborts with `signal`, and can be aborted on its own. */
function linkedController(signal: CallSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller;
}

const json = (body: unknown): GatewayReply => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function replyFrom(reply: Reply, answer: BackendAnswer): GatewayReply {
  if (reply.body instanceof ReadableStream) return { status: 200, headers: { "content-type": reply.type ?? "application/octet-stream" }, body: chunksOf(reply.body) };
  answer.abandon();
  if (typeof reply.body === "string") return { status: 200, headers: { "content-type": reply.type ?? "text/plain; charset=utf-8" }, body: reply.body };
  return json(reply.body);
}
