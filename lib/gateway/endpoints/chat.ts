import { readJsonBody, validate } from "../body";
import { normalizeMessages } from "../messages";
import type { CatalogueModel } from "../catalogue";
import type { RequestContext } from "../context";
import type { Endpoint, Gateway } from "../pipeline";
import { type ChatMessage, chatSchema } from "../schemas";
import { generate } from "./generate";

export const chatCompletions: Endpoint = {
  name: "chat.completions",
  method: "POST",
  path: "/v1/chat/completions",
  idPrefix: "chatcmpl",
  async handle(ctx, gw) {
    const raw = await readJsonBody(ctx.request, gw.options.maxBodyBytes);
    const body = validate(chatSchema, raw);
    const model = await gw.resolveModel(ctx, body.model, "chat");
    return generateChat(ctx, gw, model, body);
  },
};

/** A chat-format generation: messages checked and normalised, then the common run. */
export function generateChat(ctx: RequestContext, gw: Gateway, model: CatalogueModel, body: Record<string, unknown> & { model: string; messages: ChatMessage[] }) {
  const norm = normalizeMessages(body.messages, {
    allowRemoteImages: gw.options.allowRemoteImages,
    visionModel: model.capabilities.has("vision"),
    modelId: body.model,
  });
  return generate(ctx, gw, model, {
    path: "/chat/completions",
    body: { ...body, messages: norm.messages },
    promptChars: norm.textLength + norm.imageCount * 1000,
  });
}
