import { z } from "zod";

/*
 * Request schemas with the reference's ranges and defaults. Unknown fields
 * pass through to the backend (loose objects). The message "required" marks
 * a missing field, which the validator words as OpenAI does.
 */

export const required = (type: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "required" : `must be ${type}`),
});

export const range = (min: number, max: number) =>
  z.number(required("a number")).min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`);

export const modelField = z.string(required("a string")).min(1, "must not be empty");

const positiveInt = z.number(required("an integer")).int("must be an integer").min(1, "must be a positive integer");

export const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"], {
    error: (iss) => (iss.input === undefined ? "required" : "must be one of system, user, assistant, tool"),
  }),
  content: z
    .union([z.string(), z.array(z.looseObject({ type: z.string({ error: "must be a string" }) })), z.null()], {
      error: "must be a string or an array of content parts",
    })
    .optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.literal("function"),
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
});
export type ChatMessage = z.infer<typeof messageSchema>;

const toolSchema = z.looseObject({
  type: z.literal("function", { error: "must be 'function'" }),
  function: z.looseObject({
    name: z.string(required("a string")).regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  ],
  { error: "must be 'none', 'auto', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}" },
);

/** Sampling and output parameters shared by chat and completions. */
const sampling = {
  model: modelField,
  stream: z.boolean({ error: "must be a boolean" }).optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: range(0, 2).optional(),
  top_p: range(0, 1).optional(),
  presence_penalty: range(-2, 2).optional(),
  frequency_penalty: range(-2, 2).optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  n: positiveInt.max(16, "must be between 1 and 16").optional(),
  seed: z.number().int("must be an integer").optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(16, "must have at most 16 sequences")], { error: "must be a string or an array of strings" })
    .nullable()
    .optional(),
  user: z.string({ error: "must be a string" }).optional(),
};

export const chatSchema = z.looseObject({
  ...sampling,
  messages: z.array(messageSchema, required("an array of messages")).min(1, "must contain at least one message"),
  tools: z.array(toolSchema, { error: "must be an array of tools" }).optional(),
  tool_choice: toolChoice.optional(),
  response_format: z
    .looseObject({ type: z.enum(["text", "json_object", "json_schema"], { error: "must be text, json_object or json_schema" }) })
    .optional(),
});
export type ChatRequest = z.infer<typeof chatSchema>;

export const completionSchema = z.looseObject({
  ...sampling,
  prompt: z
    .union([z.string(), z.array(z.string()).min(1)], { error: "must be a string or an array of strings" })
    .optional(),
  messages: z.array(messageSchema, { error: "must be an array of messages" }).min(1, "must contain at least one message").optional(),
  echo: z.boolean().optional(),
  suffix: z.string().nullable().optional(),
});
export type CompletionRequest = z.infer<typeof completionSchema>;

/** Reference defaults, sent explicitly: engines have defaults of their own (vLLM's temperature is 1.0). */
export const SAMPLING_DEFAULTS = { temperature: 0.7, top_p: 1, presence_penalty: 0, frequency_penalty: 0 } as const;
export const DEFAULT_MAX_TOKENS = 1024;
