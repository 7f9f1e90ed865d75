import { badRequest } from "../../errors";
import { readJsonBody, validate } from "../body";
import type { Endpoint } from "../pipeline";
import { completionSchema } from "../schemas";
import { generateChat } from "./chat";
import { generate } from "./generate";

/**
 * Text completions. With `messages` it answers in the chat format, as the
 * reference documents; with the classic `prompt` it answers as text_completion.
 */
export const completions: Endpoint = {
  name: "completions",
  method: "POST",
  path: "/v1/completions",
  idPrefix: "cmpl",
  async handle(ctx, gw) {
    const raw = await readJsonBody(ctx.request, gw.options.maxBodyBytes);
    const body = validate(completionSchema, raw);
    if (body.messages === undefined && body.prompt === undefined) {
      throw badRequest("Missing required parameter: 'prompt' (or 'messages')", "prompt", "missing_required_parameter");
    }
    const model = await gw.resolveModel(ctx, body.model, "chat");
    if (body.messages) {
      const { prompt: _p, echo: _e, suffix: _s, ...chat } = body;
      return generateChat(ctx, gw, model, { ...chat, messages: body.messages });
    }
    const prompt = body.prompt!;
    const chars = Array.isArray(prompt) ? prompt.reduce((n, p) => n + p.length, 0) : prompt.length;
    return generate(ctx, gw, model, { path: "/completions", body, promptChars: chars });
  },
};
