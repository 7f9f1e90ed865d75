import type { CatalogueModel } from "../catalogue";
import { type GatewaySettings, modelEndpoint } from "../endpoint";
import { normalizeMessages } from "../messages";
import { type ChatMessage, chatSchema } from "../schemas";
import { generation, generationPlan } from "./generate";

export const chatCompletions = modelEndpoint({
  name: "chat.completions",
  method: "POST",
  path: "/v1/chat/completions",
  idPrefix: "chatcmpl",
  capability: "chat",
  schema: chatSchema,
  prepare: (body, model, settings) => chatPlan(body, model, settings),
  ...generation,
});

/** A chat-format generation: messages checked and normalised for the model. */
export function chatPlan(body: Record<string, unknown> & { model: string; messages: ChatMessage[] }, model: CatalogueModel, settings: GatewaySettings) {
  const norm = normalizeMessages(body.messages, {
    allowRemoteImages: settings.allowRemoteImages,
    visionModel: model.capabilities.has("vision"),
    modelId: body.model,
  });
  return generationPlan(model, {
    path: "/chat/completions",
    body: { ...body, messages: norm.messages },
    promptChars: norm.textLength + norm.imageCount * 1000,
  });
}
