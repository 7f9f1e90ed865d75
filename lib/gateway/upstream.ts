import type { Dispatched, Target } from "../backends/router";
import { AppError } from "../errors";
import type { CatalogueModel } from "./catalogue";
import type { RequestContext } from "./context";
import type { Gateway } from "./pipeline";
import { upstreamError } from "./relay";

/*
 * The run of endpoints that generate no tokens (embeddings, rerank, audio,
 * images): reserve their worst case, send one call, read its answer.
 */

type Json = Record<string, unknown>;

/** Reserve what the request may cost before it reaches a backend: its prompt and its other units. */
export async function reserveUnits(
  ctx: RequestContext,
  gw: Gateway,
  model: CatalogueModel,
  worst: { promptTokens: number; units?: Record<string, number> },
): Promise<void> {
  ctx.reservation = await gw.limiter.reserve({
    requestId: ctx.requestId,
    key: ctx.key!,
    model,
    endpoint: ctx.endpoint,
    maxOutputTokens: 0,
    estimatedPromptTokens: worst.promptTokens,
    units: worst.units,
    usageEventId: ctx.usageEventId,
    batchId: ctx.batch?.batchId,
  });
  Object.assign(ctx.headers, ctx.reservation.headers);
}

/** Send one call to a backend of the model; a client that goes away cancels it. */
export async function dispatchCall(
  ctx: RequestContext,
  gw: Gateway,
  model: CatalogueModel,
  path: string,
  body: (t: Target) => Json | FormData,
): Promise<Dispatched> {
  try {
    return await gw.dispatch(ctx, model, (t) => ({ path, stream: false, body: body(t) }), ctx.request.signal);
  } catch (err) {
    if (!ctx.request.signal.aborted) throw err;
    ctx.clientAborted = true;
    throw new AppError(499, "invalid_request_error", "The client closed the request", null, "client_closed_request");
  }
}

/** The backend's JSON answer, or its error in the envelope. Frees the backend's slot. */
export async function readJsonAnswer(d: Dispatched): Promise<Json> {
  try {
    if (d.response.status >= 400) throw await upstreamError(d);
    const text = await d.response.text();
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === "object") return body as Json;
    } catch {
      // fall through
    }
    throw new AppError(502, "server_error", "The model's backend sent an answer that is not JSON", null, "upstream_invalid");
  } finally {
    d.release();
  }
}

export const jsonResponse = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
