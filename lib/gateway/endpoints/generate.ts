import { AppError, badRequest } from "../../errors";
import type { CatalogueModel } from "../catalogue";
import type { RequestContext } from "../context";
import type { Gateway } from "../pipeline";
import { estimateTokens, relayJson, relayStream } from "../relay";
import { DEFAULT_MAX_TOKENS, SAMPLING_DEFAULTS } from "../schemas";

type Json = Record<string, unknown>;

/**
 * The common run of chat and text completions: defaults and limits on output,
 * reservation, dispatch with retries, then relay (streamed or not).
 */
export async function generate(
  ctx: RequestContext,
  gw: Gateway,
  model: CatalogueModel,
  input: { path: "/chat/completions" | "/completions"; body: Json; promptChars: number },
): Promise<Response> {
  const body = input.body;
  const requested = (body.max_tokens ?? body.max_completion_tokens) as number | null | undefined;
  const param = body.max_tokens !== undefined && body.max_tokens !== null ? "max_tokens" : "max_completion_tokens";
  if (requested && requested > model.maxModelLen) {
    throw badRequest(
      `Invalid parameter '${param}': must be at most ${model.maxModelLen}, the context length of model '${model.id}'`,
      param,
      "invalid_parameter",
    );
  }
  const maxTokens = requested ?? Math.min(DEFAULT_MAX_TOKENS, model.maxModelLen);
  const stream = body.stream === true;
  const clientWantsUsage = stream && (body.stream_options as Json | null | undefined)?.include_usage === true;
  const n = typeof body.n === "number" ? body.n : 1;

  if (Array.isArray(body.tools) && body.tools.length > 0 && !model.capabilities.has("tools")) {
    throw new AppError(400, "invalid_request_error", `Model '${model.id}' does not support tool calls (it lacks the tools capability)`, "tools", "model_capability_missing");
  }

  ctx.reservation = await gw.limiter.reserve({
    requestId: ctx.requestId,
    key: ctx.key!,
    model,
    endpoint: ctx.endpoint,
    maxOutputTokens: maxTokens * n,
    estimatedPromptTokens: estimateTokens(input.promptChars),
    usageEventId: ctx.usageEventId,
    batchId: ctx.batch?.batchId,
    progress: () => ({ promptTokens: estimateTokens(input.promptChars), completionTokens: ctx.liveCompletionTokens }),
  });
  Object.assign(ctx.headers, ctx.reservation.headers);

  const upstream = new AbortController();
  const onAbort = () => upstream.abort();
  ctx.request.signal.addEventListener("abort", onAbort, { once: true });

  const { max_completion_tokens: _drop, ...rest } = body;
  const dispatched = await gw.dispatch(
    ctx,
    model,
    (t) => ({
      path: input.path,
      stream,
      body: {
        ...SAMPLING_DEFAULTS,
        ...rest,
        model: t.upstreamId,
        max_tokens: maxTokens,
        ...(stream ? { stream: true, stream_options: { ...(body.stream_options as Json | undefined), include_usage: true } } : {}),
      },
    }),
    upstream.signal,
  );

  if (stream && dispatched.response.ok) {
    return relayStream(ctx, dispatched, {
      publicModel: body.model as string,
      upstreamModel: dispatched.target.upstreamId,
      clientWantsUsage,
      promptChars: input.promptChars,
      upstream,
    });
  }
  try {
    return await relayJson(ctx, dispatched, body.model as string, { promptChars: input.promptChars });
  } finally {
    ctx.request.signal.removeEventListener("abort", onAbort);
  }
}
