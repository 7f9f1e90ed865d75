import type { z } from "zod";
import { AppError } from "../errors";
import { validate } from "../gateway/body";
import { embeddingsSchema } from "../gateway/endpoints/embeddings";
import { chatSchema, completionSchema } from "../gateway/schemas";

/** What a batch may run, with the request schema each line's body is checked against when the batch starts. */
export const BATCH_ENDPOINTS: Record<string, z.ZodType> = {
  "/v1/chat/completions": chatSchema,
  "/v1/completions": completionSchema,
  "/v1/embeddings": embeddingsSchema,
};

export type CheckedLine =
  | { customId: string; body: string; error: null }
  | { customId: string | null; body: null; error: { code: string; message: string } };

/**
 * Check one line of a batch's input file. `seen` holds the custom_ids of the
 * lines before it. The body gets the endpoint's own validation here; what
 * needs the catalogue (the model, its capabilities) is checked when the
 * line runs, through the gateway like any request.
 */
export function checkLine(text: string, lineNo: number, endpoint: string, seen: Set<string>, maxBodyBytes: number): CheckedLine {
  const where = `Line ${lineNo + 1}`;
  const fail = (code: string, message: string, customId: string | null = null): CheckedLine => ({ customId, body: null, error: { code, message: `${where}: ${message}` } });
  if (Buffer.byteLength(text) > maxBodyBytes) return fail("request_too_large", `the request is larger than ${maxBodyBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("invalid_json", "it is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("invalid_json", "it must be a JSON object with custom_id, method, url and body");
  const line = value as Record<string, unknown>;
  const customId = typeof line.custom_id === "string" && line.custom_id !== "" ? line.custom_id : null;
  if (customId === null) return fail("missing_custom_id", "'custom_id' must be a non-empty string");
  if (seen.has(customId)) return fail("duplicate_custom_id", `the custom_id '${customId}' is used by an earlier line; each line needs its own`, customId);
  seen.add(customId);
  if (line.method !== "POST") return fail("invalid_method", "'method' must be \"POST\"", customId);
  if (line.url !== endpoint) return fail("mismatched_endpoint", `'url' is ${JSON.stringify(line.url)}, but this batch's endpoint is ${endpoint}`, customId);
  const body = line.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return fail("invalid_body", "'body' must be a JSON object: the request", customId);
  if ((body as Record<string, unknown>).stream === true) return fail("invalid_body", "streaming is not available in a batch: remove 'stream'", customId);
  try {
    validate(BATCH_ENDPOINTS[endpoint]!, body);
  } catch (err) {
    if (err instanceof AppError) return fail(err.code ?? "invalid_request", err.message, customId);
    throw err;
  }
  return { customId, body: JSON.stringify(body), error: null };
}
