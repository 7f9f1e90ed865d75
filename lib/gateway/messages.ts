import { AppError, badRequest } from "../errors";
import type { ChatMessage } from "./schemas";

type Part = Record<string, unknown> & { type: string };

const DATA_URI = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

export interface NormalizedMessages {
  messages: ChatMessage[];
  imageCount: number;
  /** Characters of text, for estimates when the backend reports no usage. */
  textLength: number;
}

/**
 * Check messages and bring them to OpenAI's standard shape: the simplified
 * image part {"type":"image","image":...} becomes an image_url part; images
 * must be base64 data URIs of an image type (remote URLs only when allowed;
 * the gateway itself never fetches them).
 */
export function normalizeMessages(
  messages: ChatMessage[],
  options: { allowRemoteImages: boolean; visionModel: boolean; modelId: string },
): NormalizedMessages {
  let imageCount = 0;
  let textLength = 0;
  const out = messages.map((m, i) => {
    const at = `messages[${i}]`;
    if (m.role === "tool" && !m.tool_call_id) {
      throw badRequest(`Missing required parameter: '${at}.tool_call_id'`, `${at}.tool_call_id`, "missing_required_parameter");
    }
    const content = m.content;
    if (content === undefined || content === null) {
      if (m.role === "assistant" && m.tool_calls?.length) return m;
      throw badRequest(`Missing required parameter: '${at}.content'`, `${at}.content`, "missing_required_parameter");
    }
    if (typeof content === "string") {
      textLength += content.length;
      return m;
    }
    const parts = (content as Part[]).map((part, j) => {
      const p = `${at}.content[${j}]`;
      if (part.type === "text") {
        if (typeof part.text !== "string") throw badRequest(`Invalid parameter '${p}.text': must be a string`, `${p}.text`);
        textLength += part.text.length;
        return part;
      }
      if (part.type === "image" || part.type === "image_url") {
        const raw =
          part.type === "image"
            ? part.image
            : typeof part.image_url === "string"
              ? part.image_url
              : (part.image_url as { url?: unknown } | undefined)?.url;
        if (typeof raw !== "string" || raw.length === 0) {
          throw badRequest(`Invalid parameter '${p}': an image part needs a data URI`, p, "invalid_image");
        }
        if (m.role !== "user") throw badRequest(`Invalid parameter '${p}': images are only allowed in user messages`, p, "invalid_image");
        checkImage(raw, p, options.allowRemoteImages);
        imageCount++;
        const detail = (part.image_url as { detail?: unknown } | undefined)?.detail;
        return { type: "image_url", image_url: { url: raw, ...(detail ? { detail } : {}) } };
      }
      return part;
    });
    return { ...m, content: parts };
  });
  if (imageCount > 0 && !options.visionModel) {
    throw new AppError(
      400,
      "invalid_request_error",
      `Model '${options.modelId}' does not support images (it lacks the vision capability); choose a vision model or send text only`,
      "messages",
      "model_not_vision_capable",
    );
  }
  return { messages: out, imageCount, textLength };
}

function checkImage(url: string, param: string, allowRemote: boolean) {
  if (url.startsWith("data:")) {
    const m = DATA_URI.exec(url);
    if (!m) {
      throw badRequest(
        `Invalid parameter '${param}': images must be base64 data URIs of an image type, like data:image/png;base64,...`,
        param,
        "invalid_image",
      );
    }
    return;
  }
  if (/^https?:\/\//i.test(url)) {
    if (allowRemote) return;
    throw badRequest(
      `Invalid parameter '${param}': image URLs are not accepted; send the image inline as a base64 data URI (data:image/png;base64,...)`,
      param,
      "image_url_not_allowed",
    );
  }
  throw badRequest(`Invalid parameter '${param}': images must be base64 data URIs of an image type`, param, "invalid_image");
}
