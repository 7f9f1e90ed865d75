import type { z } from "zod";
import type { Capability } from "../models/capabilities";
import type { Target } from "../backends/router";
import type { CallSignal } from "../backends/signal";
import type { PriceBook } from "../billing/prices";
import type { AuthenticatedKey } from "../keys/cache";
import type { Catalogue, CatalogueModel } from "./catalogue";
import type { UsageCounts } from "./context";
import type { ApiRequest } from "./wire";

/*
 * An endpoint is a declaration; the pipeline (pipeline.ts) runs its steps.
 * A model endpoint says what its body is, which capability its model needs,
 * the worst case it may take from the account's limits, the call it sends to
 * a backend and how usage is read from the answer. The pipeline reads the
 * body, validates it, resolves the model, reserves, dispatches, relays (a
 * stream through the transforms of sse.ts) and settles: the hot path is in
 * one place for every endpoint.
 */

export type Json = Record<string, unknown>;

/** What endpoints may read of the gateway: its settings and the catalogue and prices it serves from memory. */
export interface GatewaySettings {
  readonly maxBodyBytes: number;
  readonly maxAudioBytes: number;
  readonly maxFileBytes: number;
  readonly allowRemoteImages: boolean;
  readonly catalogue: Catalogue;
  readonly prices?: PriceBook;
}

interface Route {
  /** The name usage, metrics and logs know the endpoint by. */
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** Exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
  /** Prefix of the request id, e.g. "chatcmpl". */
  idPrefix: string;
}

/** What the pipeline hands an endpoint that calls no model. */
export interface DataCall {
  request: ApiRequest;
  key: AuthenticatedKey;
  /** The path pattern's groups. */
  params: string[];
  settings: GatewaySettings;
  /** The body as a JSON object, within the body limit. */
  json(): Promise<Json>;
}

/** An endpoint on the account's own data (models, files, batches): no model call, nothing reserved. */
export interface DataEndpoint extends Route {
  kind: "data";
  /** A body to send as JSON, or a Response of the endpoint's own. */
  serve(call: DataCall): Promise<unknown>;
}

/** The most a request may use, reserved from the account's limits before its call. */
export interface WorstCase {
  /** Output tokens it may generate (max_tokens × n); a generating endpoint's limits are checkpointed while it streams. */
  outputTokens?: number;
  /** Prompt tokens as estimated (the limiter takes a safe bound of it). */
  promptTokens: number;
  /** Other units (search_units, audio_seconds, characters, images). */
  units?: Record<string, number>;
}

/** What a request sends to one of its model's backends. */
export interface BackendCall {
  /** OpenAI-style path below /v1. */
  path: string;
  body: Json | FormData;
  stream?: boolean;
}

/** How a streamed answer is passed on (see sse.ts). */
export interface StreamSpec {
  /** The model name the client asked for, in place of the backend's. */
  publicModel: string;
  /** The gateway always asks for usage; the client sees it only when it asked too. */
  clientWantsUsage: boolean;
}

/** The backend's successful answer, as a reply reads it. */
export interface Answer {
  readonly target: Target;
  readonly headers: Headers;
  /** The answer as a JSON object (a 502 when it is not one). */
  json(): Promise<Json>;
  /** The answer's bytes as they arrive, to pass on as they are. */
  stream(): ReadableStream<Uint8Array>;
}

/** What the client gets, and the usage read from the backend's answer. */
export interface Reply {
  usage: Partial<UsageCounts>;
  /** Sent as JSON; a string is sent as it is with `type`; a stream as it arrives. */
  body: unknown;
  type?: string;
}

export interface ReplyContext {
  requestId: string;
  model: CatalogueModel;
  settings: GatewaySettings;
  /** Aborts when the client goes away. */
  signal: CallSignal;
}

/**
 * An endpoint that calls a model. `Body` is what its schema accepts, `Plan`
 * what `prepare` makes of it for the resolved model; the later steps read the plan.
 */
export interface ModelEndpoint<Body extends { model: string } = { model: string }, Plan = unknown> extends Route {
  kind: "model";
  capability: Capability;
  /** The request's fields; a JSON object within the body limit unless said otherwise. */
  read?(request: ApiRequest, settings: GatewaySettings): Promise<unknown>;
  schema: z.ZodType<Body>;
  /** Checks that need no model: they answer before the model is looked up. */
  check?(body: Body): void;
  /** The request for this model: checks that need it, what to send, what it may cost. */
  prepare(body: Body, model: CatalogueModel, settings: GatewaySettings): Plan | Promise<Plan>;
  worstCase(plan: Plan): WorstCase;
  call(plan: Plan, target: Target): BackendCall;
  /** For a request whose call streams: how its events are passed on. */
  stream?(plan: Plan): StreamSpec | null;
  /** The client's answer and the usage, from the backend's successful, unstreamed answer. */
  reply(answer: Answer, plan: Plan, context: ReplyContext): Reply | Promise<Reply>;
}

// Stored without its own types: the pipeline only passes each step's result to the next.
// biome-ignore lint/suspicious/noExplicitAny: erased generics of a declaration
export type AnyModelEndpoint = ModelEndpoint<{ model: string }, any>;
export type Endpoint = DataEndpoint | AnyModelEndpoint;

/** Declare a model endpoint; its types flow from the schema to `prepare`'s plan and on to the later steps. */
export function modelEndpoint<Body extends { model: string }, Plan>(spec: Omit<ModelEndpoint<Body, Plan>, "kind">): AnyModelEndpoint {
  return { kind: "model", ...spec } as unknown as AnyModelEndpoint;
}

/** Declare an endpoint on the account's own data. */
export function dataEndpoint(spec: Omit<DataEndpoint, "kind">): DataEndpoint {
  return { kind: "data", ...spec };
}
