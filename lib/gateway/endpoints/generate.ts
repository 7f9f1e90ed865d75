import type { Target } from "../../backends/router";
import { AppError, badRequest } from "../../errors";
import { backendInfo, estimateTokens, readUsage, referenceUsage } from "../answer";
import type { CatalogueModel } from "../catalogue";
import type { Answer, Json, ReplyContext } from "../endpoint";
import { DEFAULT_MAX_TOKENS, SAMPLING_DEFAULTS } from "../schemas";

/** A chat or text completion as it goes to a backend. */
export interface GenerationPlan {
  path: "/chat/completions" | "/completions";
  /** The client's body as sent on (messages normalised), without the fields the gateway sets. */
  body: Json;
  publicModel: string;
  maxTokens: number;
  n: number;
  stream: boolean;
  clientWantsUsage: boolean;
  /** Characters of prompt, for estimates. */
  promptChars: number;
}

/** Output defaults and limits for the model, and the tools check. */
export function generationPlan(model: CatalogueModel, input: { path: GenerationPlan["path"]; body: Json; promptChars: number }): GenerationPlan {
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
  if (Array.isArray(body.tools) && body.tools.length > 0 && !model.capabilities.has("tools")) {
    throw new AppError(400, "invalid_request_error", `Model '${model.id}' does not support tool calls (it lacks the tools capability)`, "tools", "model_capability_missing");
  }
  const stream = body.stream === true;
  const { max_completion_tokens: _drop, ...rest } = body;
  return {
    path: input.path,
    body: rest,
    publicModel: body.model as string,
    maxTokens: requested ?? Math.min(DEFAULT_MAX_TOKENS, model.maxModelLen),
    n: typeof body.n === "number" ? body.n : 1,
    stream,
    clientWantsUsage: stream && (body.stream_options as Json | null | undefined)?.include_usage === true,
    promptChars: input.promptChars,
  };
}

/**
 * The steps chat and text completions share: the worst case is max_tokens × n,
 * the call carries the reference's sampling defaults and always asks a stream
 * for its usage, and an answer gets the gateway's id, the public model name,
 * the backend and reference usage (estimated when the backend reports none).
 */
export const generation = {
  worstCase: (p: GenerationPlan) => ({ outputTokens: p.maxTokens * p.n, promptTokens: estimateTokens(p.promptChars) }),

  call: (p: GenerationPlan, t: Target) => ({
    path: p.path,
    stream: p.stream,
    body: {
      ...SAMPLING_DEFAULTS,
      ...p.body,
      model: t.upstreamId,
      max_tokens: p.maxTokens,
      ...(p.stream ? { stream: true, stream_options: { ...(p.body.stream_options as Json | undefined), include_usage: true } } : {}),
    },
  }),

  stream: (p: GenerationPlan) => (p.stream ? { publicModel: p.publicModel, clientWantsUsage: p.clientWantsUsage } : null),

  async reply(answer: Answer, p: GenerationPlan, c: ReplyContext) {
    const body = await answer.json();
    let usage = readUsage(body.usage);
    const estimated = !usage;
    usage ??= { prompt: estimateTokens(p.promptChars), completion: estimateTokens(JSON.stringify(body.choices ?? "").length), reasoning: 0 };
    return {
      usage: { promptTokens: usage.prompt, completionTokens: usage.completion, reasoningTokens: usage.reasoning, ...(estimated ? { estimated } : {}) },
      body: { ...body, id: c.requestId, model: p.publicModel, backend: backendInfo(answer.target), usage: referenceUsage(usage, body.usage) },
    };
  },
};
