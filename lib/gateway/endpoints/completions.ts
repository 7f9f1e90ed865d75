import { badRequest } from "../../errors";
import { modelEndpoint } from "../endpoint";
import { completionSchema } from "../schemas";
import { chatPlan } from "./chat";
import { generation, generationPlan } from "./generate";

/**
 * Text completions. With `messages` it answers in the chat format, as the
 * reference documents; with the classic `prompt` it answers as text_completion.
 */
export const completions = modelEndpoint({
  name: "completions",
  method: "POST",
  path: "/v1/completions",
  idPrefix: "cmpl",
  capability: "chat",
  schema: completionSchema,
  check(body) {
    if (body.messages === undefined && body.prompt === undefined) {
      throw badRequest("Missing required parameter: 'prompt' (or 'messages')", "prompt", "missing_required_parameter");
    }
  },
  prepare(body, model, settings) {
    if (body.messages) {
      const { prompt: _p, echo: _e, suffix: _s, ...chat } = body;
      return chatPlan({ ...chat, messages: body.messages }, model, settings);
    }
    const prompt = body.prompt!;
    const chars = Array.isArray(prompt) ? prompt.reduce((n, p) => n + p.length, 0) : prompt.length;
    return generationPlan(model, { path: "/completions", body, promptChars: chars });
  },
  ...generation,
});
