import type { MessageStats, ToolCall } from "./chat-stream";

export interface ShownError {
  message: string;
  hint: string | null;
  code: string | null;
}

/** A message of the playground: the reference's fields plus what the console measured. */
export interface ChatMessage {
  id: string;
  role: "user" | "assistant" | "tool";
  content: string;
  /** Images attached to a user message, as data URIs. */
  images?: string[];
  reasoning?: string;
  toolCalls?: ToolCall[];
  /** A tool message answers this call. */
  toolCallId?: string;
  name?: string;
  /** The model that wrote an assistant message. */
  model?: string;
  stats?: MessageStats;
  stopped?: boolean;
  error?: ShownError;
}

export interface Params {
  temperature: number;
  top_p: number;
  max_tokens: number | null;
  presence_penalty: number;
  frequency_penalty: number;
  stop: string[];
  seed: number | null;
}

/**
 * The reference's defaults: what a request means when it leaves a parameter
 * out (the gateway applies the same). `max_tokens: null` is the reference's
 * 1024, or less for a model with a shorter context.
 */
export const DEFAULT_PARAMS: Params = {
  temperature: 0.7,
  top_p: 1,
  max_tokens: null,
  presence_penalty: 0,
  frequency_penalty: 0,
  stop: [],
  seed: null,
};

/** The reference's max_tokens when a request sets none. */
export const DEFAULT_MAX_TOKENS = 1024;
export const defaultMaxTokens = (maxModelLen: number | undefined) => Math.min(DEFAULT_MAX_TOKENS, maxModelLen ?? DEFAULT_MAX_TOKENS);

export interface ChatSettings {
  system: string;
  params: Params;
  /** Tool definitions as the person typed them (a JSON array). */
  tools: string;
  toolChoice: "auto" | "none" | "required";
}

export const DEFAULT_SETTINGS: ChatSettings = { system: "", params: DEFAULT_PARAMS, tools: "", toolChoice: "auto" };

export const newId = () => (typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

type Json = Record<string, unknown>;

/** Tool definitions from the panel's JSON: an array of functions, either bare or wrapped as {type, function}. */
export function parseTools(text: string): { tools: Json[] | null; error: string | null } {
  if (!text.trim()) return { tools: null, error: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { tools: null, error: `Not valid JSON: ${(err as Error).message}` };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const tools: Json[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") return { tools: null, error: "Each tool must be an object" };
    const wrapped = (item as Json).type === "function" && (item as Json).function ? (item as Json) : { type: "function", function: item };
    const fn = wrapped.function as Json;
    if (typeof fn.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name)) {
      return { tools: null, error: "Each function needs a name of 1-64 letters, digits, '_' or '-'" };
    }
    tools.push(wrapped);
  }
  return { tools, error: null };
}

/** Only what differs from the reference's defaults, so the request (and its code) stays short. */
export function paramsBody(params: Params): Json {
  const body: Json = {};
  for (const k of ["temperature", "top_p", "presence_penalty", "frequency_penalty"] as const) {
    if (params[k] !== DEFAULT_PARAMS[k]) body[k] = params[k];
  }
  if (params.max_tokens !== null) body.max_tokens = params.max_tokens;
  if (params.stop.length > 0) body.stop = params.stop;
  if (params.seed !== null) body.seed = params.seed;
  return body;
}

/** A message in the reference's shape. */
export function wireMessage(m: ChatMessage): Json {
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  if (m.role === "assistant") {
    return m.toolCalls?.length ? { role: "assistant", content: m.content || null, tool_calls: m.toolCalls } : { role: "assistant", content: m.content };
  }
  if (m.images?.length) {
    return {
      role: "user",
      content: [...(m.content ? [{ type: "text", text: m.content }] : []), ...m.images.map((url) => ({ type: "image_url", image_url: { url } }))],
    };
  }
  return { role: "user", content: m.content };
}

/** The chat completion request the playground sends for these messages. */
export function chatRequest(model: string, settings: ChatSettings, messages: ChatMessage[], options: { tools?: boolean } = {}): Json {
  const wire = messages.filter((m) => !m.error).map(wireMessage);
  const body: Json = {
    model,
    messages: settings.system.trim() ? [{ role: "system", content: settings.system }, ...wire] : wire,
    ...paramsBody(settings.params),
  };
  if (options.tools !== false) {
    const { tools } = parseTools(settings.tools);
    if (tools?.length) {
      body.tools = tools;
      if (settings.toolChoice !== "auto") body.tool_choice = settings.toolChoice;
    }
  }
  return body;
}
